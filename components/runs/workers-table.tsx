import { Cell, Row, Table } from "@/components/ui/table";
import type { WorkerProcess } from "@/lib/contracts/run-events";
import { formatBytes } from "./format";

const WORKER_COLUMNS = [
  "Step",
  "Node",
  "Process",
  "PID",
  "State",
  "Current mini-batch",
  { label: "CPU", align: "right" },
  { label: "Memory", align: "right" },
] as const;

/** Nodes (with their host, for a step on an agent pool) and worker processes of each step: state, current mini-batch, CPU, memory. */
export function WorkersTable({ workers, active }: { workers: Record<string, WorkerProcess[]>; active: boolean }) {
  const rows = Object.entries(workers).flatMap(([step, list]) => list.map((p) => ({ step, ...p })));
  if (!rows.length) return <p className="text-sm text-slate-500">No worker processes reported yet.</p>;
  return (
    <Table label="Worker processes" columns={WORKER_COLUMNS}>
      {rows.map((p) => (
        <Row key={`${p.step}-${p.nodeId}-${p.processId}`}>
          <Cell>{p.step}</Cell>
          <Cell>{p.host ? `${p.nodeId} (${p.host})` : p.nodeId}</Cell>
          <Cell>{p.processId}</Cell>
          <Cell mono>{p.pid ?? "–"}</Cell>
          <Cell>{!active ? "stopped" : p.retired ? "retired (init failed)" : p.ready ? (p.current !== undefined ? "running" : "idle") : "starting"}</Cell>
          <Cell>{active && p.current !== undefined ? p.current : "–"}</Cell>
          <Cell numeric>{active && p.cpuPercent !== undefined ? `${p.cpuPercent}%` : "–"}</Cell>
          <Cell numeric>{active ? formatBytes(p.rssBytes) : "–"}</Cell>
        </Row>
      ))}
    </Table>
  );
}
