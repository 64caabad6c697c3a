"use client";

import type { NodeProps } from "@xyflow/react";
import { parseVersionedName } from "@/lib/contracts/common";
import { useDesigner } from "../../context";
import type { FlowNodeOf } from "../../flow";
import { NodeShell, Setting } from "../node-shell";

/** A dataset at a glance: name:version as run, its kind and where its files are. */
export function DatasetNode({ id, data, selected }: NodeProps<FlowNodeOf<"dataset">>) {
  const ctx = useDesigner();
  const isParam = data.mode === "parameter";
  const path = data.dataset.startsWith("datastore://");
  const { name, version } = parseVersionedName(data.dataset);
  const registered = path ? undefined : ctx.datasets.find((d) => d.name === name);
  const title = isParam ? data.parameterName : path ? data.dataset.replace(/^datastore:\/\/[^/]+\//, "") : name;
  return (
    <NodeShell
      id={id}
      type="dataset"
      kind={isParam ? "Dataset parameter" : "Dataset"}
      title={title}
      selected={selected}
      handles={[{ id: "data", type: "source", label: "data" }]}
    >
      {isParam ? <Setting label="default" value={data.dataset || undefined} /> : null}
      {path ? <Setting label="datastore" value={/^datastore:\/\/([^/]+)/.exec(data.dataset)?.[1]} /> : null}
      {!path && data.dataset ? <Setting label="version" value={version ? `v${version}` : registered ? `latest (v${registered.version})` : "latest"} /> : null}
      {registered ? <Setting label="kind" value={`${registered.kind} · ${registered.datastore}`} /> : null}
    </NodeShell>
  );
}
