"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { FieldValue, StepNodeData } from "@/lib/contracts/canvas";
import { connectedModel } from "@/lib/pipeline/canvas";
import { CONFIG_DEFAULTS, CONFIG_FIELD_KEYS, CONFIG_FIELDS } from "@/lib/pipeline/config-fields";
import { api, errorText } from "@/lib/contracts/api/client";
import { problemsFor, useDesigner } from "../../context";
import { designerKeys, useScriptFolders } from "../../queries";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/field";
import { Picker, type PickerOption } from "@/components/ui/picker";
import { formatTime } from "@/components/runs/format";
import { ModelPicker } from "../../fields/asset-pickers";
import { BindablePicker, type BoundValueProps } from "../../fields/bindable-picker";
import { ComputeTargetField } from "../../fields/compute-target-field";
import { EnvironmentField } from "../../fields/environment-field";
import { BindableField, SelectField, TextField, parseTyped, shownValue } from "../../fields/fields";

type Config = Record<string, unknown>;

const SOFTMAX_CHOICES = [
  { value: "auto", label: "auto: only when the outputs are not probabilities (default)" },
  { value: "true", label: "true: always" },
  { value: "false", label: "false: never (raw outputs)" },
] as const;
type Scorer = Record<string, unknown> & { kind?: string };

/** Every ParallelRunConfig field with units, defaults and help; any bindable field can be a parameter. */
export function StepPanel({ id, data }: { id: string; data: StepNodeData }) {
  const ctx = useDesigner();
  const cfg = data.parallelRunConfig;
  const errors = (field: string) => problemsFor(ctx, id, field).map((p) => p.message);
  const setCfg = (patch: Config) => {
    const next: Config = { ...cfg, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
    ctx.updateNodeData(id, { parallelRunConfig: next });
  };
  return (
    <div className="space-y-4">
      <TextField
        label="Step name"
        hint="3-32 characters: a-z, 0-9, '-'"
        value={data.name}
        errors={errors("name")}
        placeholder="predict-digits-mnist"
        onChange={(v) => ctx.updateNodeData(id, { name: v })}
      />
      <TextField
        label="Description"
        value={data.description ?? ""}
        placeholder="What this step does"
        onChange={(v) => ctx.updateNodeData(id, { description: v || undefined })}
      />
      {errors("inputs").map((m) => (
        <p key={m} className="text-xs text-red-700">
          {m}
        </p>
      ))}
      <EntrySection id={id} cfg={cfg} setCfg={setCfg} errors={errors} />
      <fieldset className="space-y-3 rounded border border-slate-200 p-2">
        <legend className="px-1 text-sm font-semibold">ParallelRunConfig</legend>
        {CONFIG_FIELD_KEYS.map((key) => {
          if (key === "environment")
            return (
              <EnvironmentField
                key={key}
                value={cfg.environment}
                parameters={ctx.parameters}
                errors={errors(key)}
                onChange={(v) => setCfg({ environment: v })}
              />
            );
          if (key === "computeTarget")
            return <ComputeTargetField key={key} value={cfg.computeTarget} errors={errors(key)} onChange={(v) => setCfg({ computeTarget: v })} />;
          const meta = CONFIG_FIELDS[key];
          return (
            <BindableField
              key={key}
              label={meta.label}
              hint={[meta.snake, meta.unit].filter(Boolean).join(", ")}
              help={meta.help}
              errors={errors(key)}
              value={cfg[key]}
              kind={meta.input}
              options={meta.options}
              placeholder={meta.defaultText ?? (meta.required ? "required" : "unset")}
              bindable={meta.bindable}
              parameters={ctx.parameters}
              onChange={(v) => setCfg({ [key]: v })}
            />
          );
        })}
        <EnvironmentVariables
          value={(cfg.environmentVariables as Record<string, string> | undefined) ?? CONFIG_DEFAULTS.environmentVariables}
          onChange={(v) => setCfg({ environmentVariables: Object.keys(v).length ? v : undefined })}
        />
      </fieldset>
      <Arguments values={data.arguments} parameters={ctx.parameters} errors={errors} onChange={(v) => ctx.updateNodeData(id, { arguments: v })} />
      <CheckboxField
        label="Allow reuse (allow_reuse)"
        help="An identical step with identical inputs reuses the previous result instead of running again."
        checked={data.allowReuse}
        onChange={(v) => ctx.updateNodeData(id, { allowReuse: v })}
      />
    </div>
  );
}

function EntrySection({ id, cfg, setCfg, errors }: { id: string; cfg: Config; setCfg: (p: Config) => void; errors: (f: string) => string[] }) {
  const ctx = useDesigner();
  const scorer = cfg.scorer as Scorer | undefined;
  const mode = scorer ? "scorer" : "script";
  const linked = connectedModel(ctx.graph, id);
  const setScorer = (patch: Scorer) => {
    const next: Scorer = { ...scorer, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
    setCfg({ scorer: next });
  };
  return (
    <fieldset className="space-y-3 rounded border border-slate-200 p-2">
      <legend className="px-1 text-sm font-semibold">Entry script</legend>
      {errors("entryScript").map((m) => (
        <p key={m} className="text-xs text-red-700">
          {m}
        </p>
      ))}
      <SelectField
        label="Runs"
        value={mode}
        options={[
          { value: "scorer", label: "a built-in ONNX scorer" },
          { value: "script", label: "an uploaded entry script" },
        ]}
        onChange={(v) =>
          v === "scorer"
            ? setCfg({ scorer: { kind: "onnx-image-classifier", model: "" }, entryScript: undefined, sourceDirectory: undefined })
            : setCfg({ scorer: undefined })
        }
      />
      {scorer ? (
        <>
          <SelectField
            label="Scorer"
            value={scorer.kind ?? "onnx-image-classifier"}
            errors={errors("scorer.kind")}
            options={[
              { value: "onnx-image-classifier", label: "Image classifier (PNG/JPEG files)" },
              { value: "onnx-tabular", label: "Tabular scorer (columns in, columns out)" },
            ]}
            onChange={(v) =>
              setCfg({ scorer: v === "onnx-tabular" ? { kind: v, model: scorer.model ?? "", columns: [] } : { kind: v, model: scorer.model ?? "" } })
            }
          />
          {linked ? (
            <p className="text-sm">
              Model: <span className="font-medium">{linked.data.model || "(choose in the Model node)"}</span> from the connected Model node
            </p>
          ) : (
            <ModelField value={scorer.model} parameters={ctx.parameters} errors={errors("scorer.model")} onChange={(v) => setScorer({ model: v ?? "" })} />
          )}
          {scorer.kind === "onnx-tabular" ? (
            <>
              <TextField
                label="Input columns"
                hint="comma separated, in model order"
                errors={errors("scorer.columns")}
                value={shownValue(scorer.columns)}
                onChange={(v) => setScorer({ columns: parseTyped(v, "list") ?? [] })}
              />
              <TextField
                label="Keep columns"
                hint="copied to each output row, comma separated"
                value={shownValue(scorer.keepColumns)}
                onChange={(v) => setScorer({ keepColumns: parseTyped(v, "list") })}
              />
            </>
          ) : (
            <>
              <TextField
                label="Labels"
                hint="class labels in output order, comma separated"
                errors={errors("scorer.labels")}
                value={shownValue(scorer.labels)}
                placeholder="0, 1, 2, …"
                onChange={(v) => setScorer({ labels: parseTyped(v, "list") })}
              />
              <TextField
                label="Inference batch size"
                hint="images per model call"
                errors={errors("scorer.inferenceBatchSize")}
                value={shownValue(scorer.inferenceBatchSize)}
                placeholder="256"
                onChange={(v) => setScorer({ inferenceBatchSize: parseTyped(v, "int") })}
              />
              <SelectField
                label="Softmax"
                hint="softmax"
                help="auto applies softmax when a row's outputs are not already probabilities (all in [0, 1], summing to 1), so the probability column always holds one"
                errors={errors("scorer.softmax")}
                value={scorer.softmax === true ? "true" : scorer.softmax === false ? "false" : "auto"}
                options={SOFTMAX_CHOICES}
                onChange={(v) => setScorer({ softmax: v === "true" ? true : v === "false" ? false : undefined })}
              />
            </>
          )}
        </>
      ) : (
        <ScriptFolder cfg={cfg} setCfg={setCfg} errors={errors} />
      )}
    </fieldset>
  );
}

const isScript = (f: string) => /\.(m?js|cjs|ts)$/.test(f);

/** The upload likely meant as the entry: score/entry/main first, then any script. */
const likelyEntry = (files: readonly string[]) => files.find((f) => /(^|\/)(score|entry|main)\.(m?js|ts)$/.test(f)) ?? files.find(isScript) ?? files[0];

/**
 * The step's entry script: upload a folder, or pick one uploaded earlier for this pipeline and the
 * entry file in it. A folder on the server can still be typed (the CLI's way); it is not checked here.
 */
function ScriptFolder({ cfg, setCfg, errors }: { cfg: Config; setCfg: (p: Config) => void; errors: (f: string) => string[] }) {
  const ctx = useDesigner();
  const inputId = useId();
  const client = useQueryClient();
  const folders = useScriptFolders(ctx.pipelineId);
  const upload = useMutation({
    mutationFn: async (list: FileList) => {
      const form = new FormData();
      for (const f of Array.from(list)) form.append("files", f, f.webkitRelativePath || f.name);
      return api.uploadScripts({ params: { id: ctx.pipelineId }, form });
    },
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: designerKeys.scripts(ctx.pipelineId) });
      setCfg({ sourceDirectory: r.sourceDirectory, entryScript: likelyEntry(r.files) });
    },
  });
  const sourceDirectory = typeof cfg.sourceDirectory === "string" ? cfg.sourceDirectory : "";
  const list = folders.data?.folders ?? [];
  const folder = list.find((f) => f.sourceDirectory === sourceDirectory);
  const folderOptions: PickerOption[] = list.map((f, i) => ({
    value: f.sourceDirectory,
    label: `Upload of ${formatTime(f.uploadedAt)}${i === 0 ? " (latest)" : ""}`,
    tag: `${f.files.length} file${f.files.length === 1 ? "" : "s"}`,
    description: f.files.filter(isScript).slice(0, 4).join(", ") || f.files.slice(0, 4).join(", "),
  }));
  const entryOptions: PickerOption[] = (folder?.files ?? []).map((f) => ({ value: f, tag: isScript(f) ? "script" : undefined }));
  return (
    <div className="space-y-2">
      <div className="text-sm">
        <label htmlFor={inputId} className="block font-medium">
          Upload a script folder
        </label>
        <input
          id={inputId}
          type="file"
          multiple
          className="mt-1 text-xs"
          {...{ webkitdirectory: "" }}
          onChange={(e) => {
            if (e.target.files?.length) upload.mutate(e.target.files);
          }}
        />
        {upload.isPending ? <p className="text-xs">Uploading…</p> : null}
        {upload.error ? <p className="text-xs text-red-700">{errorText(upload.error)}</p> : null}
      </div>
      <Picker
        label="Script folder"
        hint="source_directory: an upload of this pipeline, or a folder on the server"
        errors={errors("sourceDirectory")}
        value={folder ? (folderOptions.find((o) => o.value === folder.sourceDirectory)?.label ?? sourceDirectory) : sourceDirectory}
        options={folderOptions}
        loading={folders.isLoading}
        allowCustom
        placeholder="Choose an upload…"
        emptyText="Nothing uploaded for this pipeline yet: upload a folder above"
        onChange={(v) => {
          const chosen = list.find((f) => f.sourceDirectory === v);
          // A label typed back unchanged is not a path.
          if (!chosen && folderOptions.some((o) => o.label === v)) return;
          setCfg({
            sourceDirectory: v || undefined,
            ...(chosen ? { entryScript: chosen.files.includes(String(cfg.entryScript)) ? cfg.entryScript : likelyEntry(chosen.files) } : {}),
          });
        }}
      />
      <Picker
        label="Entry script"
        hint="entry_script, relative to the script folder"
        errors={errors("entryScript")}
        value={shownValue(cfg.entryScript)}
        options={entryOptions}
        allowCustom
        placeholder="score.mjs"
        emptyText={folder ? "The folder holds no files" : "Choose an uploaded folder to list its files"}
        onChange={(v) => setCfg({ entryScript: v || undefined })}
      />
    </div>
  );
}

function EnvironmentVariables({ value, onChange }: { value: Record<string, string>; onChange: (v: Record<string, string>) => void }) {
  const entries = Object.entries(value);
  const [draftKey, setDraftKey] = useState("");
  return (
    <div className="space-y-1 text-sm">
      <div className="font-medium">
        Environment variables <span className="font-normal text-slate-500">(environment_variables)</span>
      </div>
      {entries.map(([k, v]) => (
        <div key={k} className="flex items-center gap-1">
          <span className="w-32 truncate font-mono text-xs">{k}</span>
          <input
            aria-label={`Value of ${k}`}
            className="grow rounded border border-slate-300 px-1 py-0.5"
            value={v}
            onChange={(e) => onChange({ ...value, [k]: e.target.value })}
          />
          <Button
            size="sm"
            aria-label={`Remove ${k}`}
            onClick={() => {
              const next = { ...value };
              delete next[k];
              onChange(next);
            }}
          >
            ✕
          </Button>
        </div>
      ))}
      <div className="flex gap-1">
        <input
          aria-label="New environment variable name"
          className="grow rounded border border-slate-300 px-1 py-0.5"
          value={draftKey}
          placeholder="NAME"
          onChange={(e) => setDraftKey(e.target.value)}
        />
        <Button
          size="sm"
          disabled={!/^[A-Za-z_][A-Za-z0-9_]*$/.test(draftKey) || draftKey in value}
          onClick={() => {
            onChange({ ...value, [draftKey]: "" });
            setDraftKey("");
          }}
        >
          Add variable
        </Button>
      </div>
    </div>
  );
}

function Arguments({
  values,
  parameters,
  errors,
  onChange,
}: {
  values: FieldValue[];
  parameters: { name: string; type: string }[];
  errors: (f: string) => string[];
  onChange: (v: FieldValue[]) => void;
}) {
  return (
    <fieldset className="space-y-2 rounded border border-slate-200 p-2">
      <legend className="px-1 text-sm font-semibold">Arguments</legend>
      <p className="text-xs text-slate-500">Passed to the entry script as context.arguments, in order.</p>
      {values.map((v, i) => (
        <div key={i} className="flex items-end gap-1">
          <div className="grow">
            <BindableField
              label={`Argument ${i + 1}`}
              value={v}
              kind="text"
              bindable
              parameters={parameters}
              errors={errors(`arguments[${i}]`)}
              onChange={(next) => onChange(values.map((x, j) => (j === i ? ((next as FieldValue | undefined) ?? "") : x)))}
            />
          </div>
          <Button size="sm" className="mb-1" aria-label={`Remove argument ${i + 1}`} onClick={() => onChange(values.filter((_, j) => j !== i))}>
            ✕
          </Button>
        </div>
      ))}
      <Button size="sm" onClick={() => onChange([...values, ""])}>
        Add argument
      </Button>
    </fieldset>
  );
}

/** The scorer's model: a picker of registered models, or a binding to a string pipeline parameter. */
function ModelField({ value, parameters, errors, onChange }: BoundValueProps) {
  return (
    <BindablePicker
      label="Model"
      value={value}
      parameters={parameters}
      errors={errors}
      onChange={onChange}
      picker={(current) => <ModelPicker label="Model" value={current} errors={errors} onChange={onChange} />}
    />
  );
}
