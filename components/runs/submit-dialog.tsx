"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, type FormEvent } from "react";
import type { SubmissionOptions } from "@/lib/contracts/run-api";
import { fetchJson } from "./api";

type Value = string | number | boolean;

export interface SubmitDialogProps {
  /** The pipeline to submit; with `pipelines` instead, the user picks one. */
  pipeline?: string;
  pipelines?: string[];
  version?: number;
  /** Values of a past run (resubmit): experiment and parameters start from them. */
  initial?: { experiment?: string; parameters?: Record<string, Value> };
  open: boolean;
  onClose: () => void;
  /** Called with the new run id; default: open the run's page. */
  onSubmitted?: (runId: string) => void;
}

/**
 * Submit a pipeline: experiment name and every pipeline parameter with its default, overridable.
 * A dataset parameter takes another registered dataset or a single file of a datastore.
 */
export function SubmitDialog({ pipeline: fixed, pipelines = [], version, initial, open, onClose, onSubmitted }: SubmitDialogProps) {
  const router = useRouter();
  const [pipeline, setPipeline] = useState(fixed ?? pipelines[0] ?? "");
  const [experiment, setExperiment] = useState(initial?.experiment ?? "");
  const [values, setValues] = useState<Record<string, Value>>({});
  const [regenerateOutputs, setRegenerateOutputs] = useState(false);
  const titleId = useId();

  useEffect(() => {
    if (fixed) setPipeline(fixed);
  }, [fixed]);

  const options = useQuery({
    queryKey: ["submission", pipeline, version],
    queryFn: () => fetchJson<SubmissionOptions>(`/api/runs/submission?pipeline=${encodeURIComponent(pipeline)}${version ? `&version=${version}` : ""}`),
    enabled: open && pipeline !== "",
  });

  useEffect(() => {
    if (!options.data) return;
    setValues(Object.fromEntries(options.data.parameters.map((p) => [p.name, initial?.parameters?.[p.name] ?? p.default])));
    setExperiment((e) => e || initial?.experiment || options.data.pipeline);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [options.data]);

  const submit = useMutation({
    mutationFn: () =>
      fetchJson<{ id: string }>("/api/runs", {
        method: "POST",
        body: JSON.stringify({ pipeline, version, experiment: experiment || undefined, parameters: values, regenerateOutputs }),
      }),
    onSuccess: ({ id }) => {
      onClose();
      if (onSubmitted) onSubmitted(id);
      else router.push(`/runs/${id}`);
    },
  });

  if (!open) return null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };

  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-8" onClick={onClose}>
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={onSubmit}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === "Escape" && onClose()}
        className="w-full max-w-lg space-y-4 rounded-lg bg-white p-6 shadow-xl"
      >
        <h2 id={titleId} className="text-lg font-semibold">
          Submit {fixed ? <code>{fixed}</code> : "a pipeline"}
          {options.data ? <span className="text-sm font-normal text-slate-500"> v{options.data.version}</span> : null}
        </h2>
        {!fixed && (
          <Field label="Pipeline">
            {(id) => (
              <select id={id} value={pipeline} onChange={(e) => setPipeline(e.target.value)} className={inputClass}>
                {pipelines.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Experiment">
          {(id) => (
            <>
              <input id={id} list={`${id}-list`} value={experiment} onChange={(e) => setExperiment(e.target.value)} className={inputClass} required />
              <datalist id={`${id}-list`}>
                {options.data?.experiments.map((x) => <option key={x} value={x} />)}
              </datalist>
            </>
          )}
        </Field>
        {options.isLoading && <p className="text-sm text-slate-500">Loading parameters…</p>}
        {options.error && <p role="alert" className="text-sm text-red-700">{options.error.message}</p>}
        {options.data && options.data.parameters.length > 0 && (
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-700">Pipeline parameters</legend>
            {options.data.parameters.map((p) => (
              <ParameterField
                key={p.name}
                parameter={p}
                datasets={options.data.datasets}
                value={values[p.name] ?? p.default}
                onChange={(v) => setValues((old) => ({ ...old, [p.name]: v }))}
              />
            ))}
          </fieldset>
        )}
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={regenerateOutputs} onChange={(e) => setRegenerateOutputs(e.target.checked)} className="mt-0.5" />
          <span>
            Regenerate outputs
            <span className="block text-slate-500">Run every step, even those allow_reuse could copy from an identical earlier run.</span>
          </span>
        </label>
        {submit.error && <p role="alert" className="text-sm text-red-700">{submit.error.message}</p>}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1.5 text-sm">
            Cancel
          </button>
          <button type="submit" disabled={submit.isPending || !options.data} className="rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
            {submit.isPending ? "Submitting…" : "Submit run"}
          </button>
        </div>
      </form>
    </div>
  );
}

const inputClass = "w-full rounded border border-slate-300 px-2 py-1 text-sm";

function Field({ label, hint, children }: { label: string; hint?: string; children: (id: string) => React.ReactNode }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
        {hint ? <span className="ml-2 font-normal text-slate-500">{hint}</span> : null}
      </label>
      {children(id)}
    </div>
  );
}

type Parameter = SubmissionOptions["parameters"][number];

function ParameterField({ parameter: p, datasets, value, onChange }: { parameter: Parameter; datasets: SubmissionOptions["datasets"]; value: Value; onChange: (v: Value) => void }) {
  const hint = `${p.type}, default ${String(p.default)}`;
  if (p.type === "dataset") return <DatasetField parameter={p} datasets={datasets} value={String(value)} onChange={onChange} hint={hint} />;
  if (p.type === "bool") {
    return (
      <Field label={p.name} hint={hint}>
        {(id) => (
          <select id={id} value={String(value)} onChange={(e) => onChange(e.target.value === "true")} className={inputClass}>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        )}
      </Field>
    );
  }
  const numeric = p.type === "int" || p.type === "number";
  return (
    <Field label={p.name} hint={hint}>
      {(id) => (
        <input
          id={id}
          type={numeric ? "number" : "text"}
          step={p.type === "int" ? 1 : "any"}
          value={String(value)}
          onChange={(e) => onChange(numeric && e.target.value !== "" ? Number(e.target.value) : e.target.value)}
          className={inputClass}
          required
        />
      )}
    </Field>
  );
}

function DatasetField({ parameter: p, datasets, value, onChange, hint }: { parameter: Parameter; datasets: SubmissionOptions["datasets"]; value: string; onChange: (v: Value) => void; hint: string }) {
  const single = value.startsWith("datastore://");
  return (
    <Field label={p.name} hint={hint}>
      {(id) => (
        <div className="space-y-1">
          <select
            id={id}
            aria-label={`${p.name} source`}
            value={single ? "__file__" : value}
            onChange={(e) => onChange(e.target.value === "__file__" ? "datastore://workspace/" : e.target.value)}
            className={inputClass}
          >
            {!single && !datasets.some((d) => d.name === value || `${d.name}:${d.version}` === value) && <option value={value}>{value}</option>}
            {datasets.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} (v{d.version}, {d.kind}: {d.paths.join(" ")})
              </option>
            ))}
            <option value="__file__">A single file…</option>
          </select>
          {single && (
            <input
              aria-label={`${p.name} file`}
              value={value}
              onChange={(e) => onChange(e.target.value)}
              placeholder="datastore://workspace/mnist/0.png"
              className={inputClass}
              required
            />
          )}
        </div>
      )}
    </Field>
  );
}

/** A "Submit" button with its dialog, for any page that knows a pipeline name (or a list). */
export function SubmitButton({ label = "Submit", className, ...props }: Omit<SubmitDialogProps, "open" | "onClose"> & { label?: string; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} className={className ?? "rounded bg-blue-600 px-3 py-1.5 text-sm font-medium text-white"}>
        {label}
      </button>
      <SubmitDialog {...props} open={open} onClose={() => setOpen(false)} />
    </>
  );
}
