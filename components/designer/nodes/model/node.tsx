"use client";

import type { NodeProps } from "@xyflow/react";
import { parseVersionedName } from "@/lib/contracts/common";
import { useDesigner } from "../../context";
import type { FlowNodeOf } from "../../flow";
import { NodeShell, Setting } from "../node-shell";

const shape = (s: (number | string)[]) => `[${s.join(", ")}]`;

/** A model at a glance: name, version and its input and output shapes. */
export function ModelNode({ id, data, selected }: NodeProps<FlowNodeOf<"model">>) {
  const ctx = useDesigner();
  const { name, version } = parseVersionedName(data.model);
  const registered = ctx.models.find((m) => m.name === name);
  const input = registered?.signature.inputs[0];
  const output = registered?.signature.outputs[0];
  return (
    <NodeShell id={id} type="model" kind="Model" title={name} selected={selected} handles={[{ id: "model", type: "source", label: "model" }]}>
      {data.model ? <Setting label="version" value={version ? `v${version}` : registered ? `latest (v${registered.version})` : "latest"} /> : null}
      {input ? <Setting label="input" value={shape(input.shape)} /> : null}
      {output ? <Setting label="output" value={shape(output.shape)} /> : null}
    </NodeShell>
  );
}
