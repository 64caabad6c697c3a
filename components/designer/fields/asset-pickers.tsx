"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { DatasetPreview } from "@/components/data/datasets/dataset-preview";
import { ModelSignatureTable } from "@/components/data/models/model-signature";
import { useDatasets, useDatastores, useModels } from "@/components/pipelines/queries";
import { Picker, type PickerOption } from "@/components/ui/picker";
import { api, errorText } from "@/lib/contracts/api/client";
import { parseVersionedName } from "@/lib/contracts/common";
import type { DatasetJson } from "@/lib/contracts/designer-api";

interface AssetPickerProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors?: readonly string[];
  hint?: string;
  help?: string;
}

const registerHint = (
  <>
    Nothing registered yet: add one on{" "}
    <a className="text-blue-700 underline" href="/data">
      Data &amp; models
    </a>
  </>
);

/** A registry picker: "name" means the latest version, a typed "name:2" pins one. */
function VersionedPicker(
  props: AssetPickerProps & { options: PickerOption[]; loading: boolean; placeholder: string; defaultHint: string; preview: ReactNode },
) {
  return (
    <Picker
      label={props.label}
      hint={props.hint ?? props.defaultHint}
      help={props.help}
      errors={props.errors}
      value={props.value}
      options={props.options}
      loading={props.loading}
      allowCustom
      placeholder={props.placeholder}
      emptyText={registerHint}
      onChange={props.onChange}
      preview={props.preview}
    />
  );
}

/** A registered dataset ("name" runs the latest, "name:2" pins), with its first files or rows. */
export function DatasetPicker(props: AssetPickerProps & { allowPaths?: boolean }) {
  const { data, isLoading } = useDatasets();
  const datasets = data?.datasets ?? [];
  const chosen = datasets.find((d) => d.name === parseVersionedName(props.value).name);
  return (
    <VersionedPicker
      {...props}
      options={datasets.map((d) => ({ value: d.name, tag: `v${d.version} · ${d.kind}`, description: d.description || `${d.datastore}: ${d.paths.join(" ")}` }))}
      loading={isLoading}
      placeholder="Search datasets…"
      defaultHint={props.allowPaths ? "name, name:version or datastore://<datastore>/<path>" : "name or name:version"}
      preview={chosen ? <DatasetPreviewBox dataset={chosen} /> : null}
    />
  );
}

function DatasetPreviewBox({ dataset }: { dataset: DatasetJson }) {
  const preview = useQuery({
    queryKey: ["dataset-preview", dataset.id],
    queryFn: () => api.previewDataset({ body: { kind: dataset.kind, datastore: dataset.datastore, paths: dataset.paths } }),
    staleTime: 60_000,
  });
  return (
    <details className="rounded border border-slate-200 bg-slate-50 p-2 text-xs" open>
      <summary className="cursor-pointer font-medium">
        {dataset.name} v{dataset.version} · {dataset.kind} · {dataset.datastore}
      </summary>
      {dataset.description ? <p className="mt-1 text-slate-600">{dataset.description}</p> : null}
      <div className="mt-1 max-h-56 overflow-auto">
        {preview.isLoading ? <p>Loading a preview…</p> : null}
        {preview.error ? <p className="text-red-700">{errorText(preview.error)}</p> : null}
        {preview.data ? <DatasetPreview preview={{ ...preview.data, files: preview.data.files.slice(0, 5) }} /> : null}
      </div>
    </details>
  );
}

/** A registered ONNX model, with its input and output signature. */
export function ModelPicker(props: AssetPickerProps) {
  const { data, isLoading } = useModels();
  const models = data?.models ?? [];
  const chosen = models.find((m) => m.name === parseVersionedName(props.value).name);
  return (
    <VersionedPicker
      {...props}
      options={models.map((m) => ({
        value: m.name,
        tag: `v${m.version}`,
        description: m.description || m.signature.inputs.map((t) => `${t.name} [${t.shape.join(", ")}]`).join(", "),
      }))}
      loading={isLoading}
      placeholder="Search models…"
      defaultHint="name or name:version"
      preview={
        chosen ? (
          <div className="rounded border border-slate-200 bg-slate-50 p-2 text-xs">
            <p className="font-medium">
              {chosen.name} v{chosen.version}
              {chosen.description ? <span className="font-normal text-slate-600"> · {chosen.description}</span> : null}
            </p>
            <ModelSignatureTable signature={chosen.signature} caption={`Signature of ${chosen.name}`} />
          </div>
        ) : null
      }
    />
  );
}

/** A registered datastore: local folder or Azure Blob container. */
export function DatastorePicker(props: AssetPickerProps) {
  const { data, isLoading } = useDatastores();
  const options: PickerOption[] = (data?.datastores ?? []).map((d) => ({
    value: d.name,
    tag: d.kind,
    description: "root" in d.config ? String(d.config.root) : "container" in d.config ? `container ${String(d.config.container)}` : undefined,
  }));
  return (
    <Picker
      label={props.label}
      hint={props.hint}
      help={props.help}
      errors={props.errors}
      value={props.value}
      options={options}
      loading={isLoading}
      placeholder="Search datastores…"
      emptyText={registerHint}
      onChange={props.onChange}
    />
  );
}
