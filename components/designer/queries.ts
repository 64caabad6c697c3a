"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/contracts/api/client";

/** What the designer reads besides the registries: agents (compute targets), its runs and its uploaded script folders. */
export const designerKeys = {
  agents: ["agents"] as const,
  runs: (pipelineId: string) => ["pipeline-runs", pipelineId] as const,
  scripts: (pipelineId: string) => ["script-folders", pipelineId] as const,
};

export const useAgents = () => useQuery({ queryKey: designerKeys.agents, queryFn: () => api.listAgents(), refetchInterval: 10_000 });
export const usePipelineRuns = (pipelineId: string, enabled = true) =>
  useQuery({ queryKey: designerKeys.runs(pipelineId), queryFn: () => api.listPipelineRuns({ params: { id: pipelineId } }), enabled, refetchInterval: 5000 });
export const useScriptFolders = (pipelineId: string) =>
  useQuery({ queryKey: designerKeys.scripts(pipelineId), queryFn: () => api.listScriptFolders({ params: { id: pipelineId } }) });

/** Agent pools with their connected agent counts (local first, always there). */
export function poolsOf(agents: readonly { pool: string; state: string }[]): { pool: string; agents: number; working: number }[] {
  const byPool = new Map<string, { agents: number; working: number }>();
  for (const a of agents) {
    const p = byPool.get(a.pool) ?? { agents: 0, working: 0 };
    p.agents += 1;
    if (a.state === "idle" || a.state === "busy") p.working += 1;
    byPool.set(a.pool, p);
  }
  return [...byPool.entries()].map(([pool, n]) => ({ pool, ...n })).sort((a, b) => a.pool.localeCompare(b.pool));
}
