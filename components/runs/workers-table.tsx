import type { WorkerProcess } from "@/lib/contracts/run-events";
import { formatBytes } from "./format";

/** Nodes and worker processes of each step: state, current mini-batch, memory. */
export function WorkersTable({ workers, active }: { workers: Record<string, WorkerProcess[]>; active: boolean }) {
  const rows = Object.entries(workers).flatMap(([step, list]) => list.map((p) => ({ step, ...p })));
  if (!rows.length) return <p className="text-sm text-slate-500">No worker processes reported yet.</p>;
  return (
    <table className="w-full text-sm" aria-label="Worker processes">
      <thead className="text-left text-slate-500">
        <tr>
          <th className="py-1 font-normal">Step</th>
          <th className="font-normal">Node</th>
          <th className="font-normal">Process</th>
          <th className="font-normal">PID</th>
          <th className="font-normal">State</th>
          <th className="font-normal">Current mini-batch</th>
          <th className="text-right font-normal">Memory</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={`${p.step}-${p.nodeId}-${p.processId}`} className="border-t border-slate-100">
            <td className="py-1">{p.step}</td>
            <td>{p.nodeId}</td>
            <td>{p.processId}</td>
            <td className="font-mono">{p.pid ?? "–"}</td>
            <td>{!active ? "stopped" : p.retired ? "retired (init failed)" : p.ready ? (p.current !== undefined ? "running" : "idle") : "starting"}</td>
            <td>{active && p.current !== undefined ? p.current : "–"}</td>
            <td className="text-right tabular-nums">{active ? formatBytes(p.rssBytes) : "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
