"use client";

import { Picker, type PickerOption } from "@/components/ui/picker";
import { LOCAL_COMPUTE } from "@/lib/contracts/parallel-run-config";
import { CONFIG_FIELDS } from "@/lib/pipeline/config-fields";
import { poolsOf, useAgents } from "../queries";

/**
 * Where a step runs: `local` or an agent pool, with the agents connected to each now. A pool with
 * no agent yet can be typed (the designer warns; agents may start later).
 */
export function ComputeTargetField({ value, errors, onChange }: { value: unknown; errors: string[]; onChange: (v: string | undefined) => void }) {
  const meta = CONFIG_FIELDS.computeTarget;
  const { data, isLoading } = useAgents();
  const pools = poolsOf(data?.agents ?? []);
  const options: PickerOption[] = [
    { value: LOCAL_COMPUTE, tag: "this studio", description: "the studio's own worker pool (default)" },
    ...pools.map((p) => ({
      value: p.pool,
      tag: `${p.agents} agent${p.agents === 1 ? "" : "s"} connected`,
      description: p.working === p.agents ? "agent pool" : `agent pool, ${p.working} taking work`,
    })),
  ];
  const current = typeof value === "string" ? value : "";
  return (
    <Picker
      label={meta.label}
      hint={`${meta.snake}, ${meta.unit}`}
      help={meta.help}
      errors={errors}
      value={current}
      options={options}
      loading={isLoading}
      allowCustom
      placeholder="local"
      onChange={(v) => onChange(v.trim() === "" || v.trim() === LOCAL_COMPUTE ? undefined : v.trim())}
      preview={
        data && !data.enabled ? <p className="text-xs text-slate-500">This studio runs without REDIS_URL: only local runs until agents are set up.</p> : null
      }
    />
  );
}
