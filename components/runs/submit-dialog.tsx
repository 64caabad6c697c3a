"use client";

import { type UseQueryResult, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { CheckboxField, Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { SubmissionOptions } from "@/lib/contracts/run-api";
import { useCan } from "@/components/auth/current-user";

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
export function SubmitDialog({ open, onClose, ...props }: SubmitDialogProps) {
  const [chosen, setChosen] = useState(props.pipelines?.[0] ?? "");
  const pipeline = props.pipeline ?? chosen;
  const options = useQuery({
    queryKey: ["submission", pipeline, props.version],
    queryFn: () => api.submissionOptions({ query: { pipeline, version: props.version === undefined ? undefined : String(props.version) } }),
    enabled: open && pipeline !== "",
  });
  const title = (
    <>
      Submit {props.pipeline ? <code>{props.pipeline}</code> : "a pipeline"}
      {options.data ? <span className="text-sm font-normal text-slate-500"> v{options.data.version}</span> : null}
    </>
  );
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <SubmitForm {...props} pipeline={pipeline} onChoose={props.pipeline ? undefined : setChosen} options={options} onClose={onClose} />
    </Dialog>
  );
}

interface SubmitFormProps extends Omit<SubmitDialogProps, "open" | "pipeline"> {
  pipeline: string;
  /** Offers the choice of pipeline when the dialog was not opened for one. */
  onChoose: ((pipeline: string) => void) | undefined;
  options: UseQueryResult<SubmissionOptions>;
}

function SubmitForm({ pipeline, onChoose, pipelines = [], version, initial, options, onClose, onSubmitted }: SubmitFormProps) {
  const router = useRouter();
  const [experiment, setExperiment] = useState(initial?.experiment ?? "");
  const [values, setValues] = useState<Record<string, Value>>({});
  const [regenerateOutputs, setRegenerateOutputs] = useState(false);

  // New options (another pipeline or version) reset the values to their defaults or the past run's.
  const [applied, setApplied] = useState<SubmissionOptions>();
  if (options.data && options.data !== applied) {
    const data = options.data;
    setApplied(data);
    setValues(Object.fromEntries(data.parameters.map((p) => [p.name, initial?.parameters?.[p.name] ?? p.default])));
    setExperiment((e) => e || initial?.experiment || data.pipeline);
  }

  const submit = useMutation({
    mutationFn: () => api.submitRun({ body: { pipeline, version, experiment: experiment || undefined, parameters: values, regenerateOutputs } }),
    onSuccess: ({ id }) => {
      onClose();
      if (onSubmitted) onSubmitted(id);
      else router.push(`/runs/${id}`);
    },
  });

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      {onChoose ? (
        <Field label="Pipeline">
          {(c) => (
            <select {...c} value={pipeline} onChange={(e) => onChoose(e.target.value)} className={inputClass}>
              {pipelines.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field label="Experiment">
        {(c) => (
          <>
            <input {...c} list={`${c.id}-list`} value={experiment} onChange={(e) => setExperiment(e.target.value)} className={inputClass} required />
            <datalist id={`${c.id}-list`}>
              {options.data?.experiments.map((x) => (
                <option key={x} value={x} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      {options.isLoading ? <p className="text-sm text-slate-500">Loading parameters…</p> : null}
      <ErrorText error={options.error} />
      {options.data && options.data.parameters.length > 0 ? (
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
      ) : null}
      <CheckboxField
        label="Regenerate outputs"
        help="Run every step, even those allow_reuse could copy from an identical earlier run."
        checked={regenerateOutputs}
        onChange={setRegenerateOutputs}
      />
      <ErrorText error={submit.error} />
      <div className="flex justify-end gap-2">
        <Button size="lg" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" size="lg" disabled={submit.isPending || !options.data}>
          {submit.isPending ? "Submitting…" : "Submit run"}
        </Button>
      </div>
    </form>
  );
}

type Parameter = SubmissionOptions["parameters"][number];
type Datasets = SubmissionOptions["datasets"];

function ParameterField({ parameter: p, datasets, value, onChange }: { parameter: Parameter; datasets: Datasets; value: Value; onChange: (v: Value) => void }) {
  const hint = `${p.type}, default ${String(p.default)}`;
  if (p.type === "dataset") return <DatasetField parameter={p} datasets={datasets} value={String(value)} onChange={onChange} hint={hint} />;
  if (p.type === "bool") {
    return (
      <Field label={p.name} hint={hint}>
        {(c) => (
          <select {...c} value={String(value)} onChange={(e) => onChange(e.target.value === "true")} className={inputClass}>
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
      {(c) => (
        <input
          {...c}
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

/** A registered dataset, or "A single file…" with its datastore:// address. */
function DatasetField({
  parameter: p,
  datasets,
  value,
  onChange,
  hint,
}: {
  parameter: Parameter;
  datasets: Datasets;
  value: string;
  onChange: (v: Value) => void;
  hint: string;
}) {
  const single = value.startsWith("datastore://");
  const registered = datasets.some((d) => d.name === value || `${d.name}:${d.version}` === value);
  return (
    <Field label={p.name} hint={hint}>
      {(c) => (
        <div className="space-y-1">
          <select
            {...c}
            aria-label={`${p.name} source`}
            value={single ? "__file__" : value}
            onChange={(e) => onChange(e.target.value === "__file__" ? "datastore://workspace/" : e.target.value)}
            className={inputClass}
          >
            {single || registered ? null : <option value={value}>{value}</option>}
            {datasets.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} (v{d.version}, {d.kind}: {d.paths.join(" ")})
              </option>
            ))}
            <option value="__file__">A single file…</option>
          </select>
          {single ? (
            <input
              aria-label={`${p.name} file`}
              value={value}
              onChange={(e) => onChange(e.target.value)}
              placeholder="datastore://workspace/mnist/0.png"
              className={inputClass}
              required
            />
          ) : null}
        </div>
      )}
    </Field>
  );
}

/** A "Submit" button with its dialog, for any page that knows a pipeline name (or a list). */
export function SubmitButton({
  label = "Submit",
  variant = "primary",
  ...props
}: Omit<SubmitDialogProps, "open" | "onClose"> & { label?: string; variant?: ButtonVariant }) {
  const [open, setOpen] = useState(false);
  const allowed = useCan("editor");
  if (!allowed) return null;
  return (
    <>
      <Button variant={variant} size="lg" onClick={() => setOpen(true)}>
        {label}
      </Button>
      <SubmitDialog {...props} open={open} onClose={() => setOpen(false)} />
    </>
  );
}
