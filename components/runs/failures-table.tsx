import { Button } from "@/components/ui/button";
import { Cell, Row, Table } from "@/components/ui/table";
import type { AttemptEvent } from "@/lib/contracts/run-events";

export interface LogTarget {
  step: string;
  path: string;
  filter: string;
}

/** Each failed item or mini-batch try: attempt, message, stack, and its lines in the process log. */
export function FailuresTable({ failures, onShowLog }: { failures: AttemptEvent[]; onShowLog: (target: LogTarget) => void }) {
  if (!failures.length) return <p className="text-sm text-slate-500">No failures.</p>;
  const rows = failures.flatMap((f) => {
    const base = { f, key: `${f.step}-${f.idx}-${f.attempt}` };
    const tryRow = f.status !== "RUN_DONE" ? [{ ...base, item: "(whole mini-batch)", message: f.error ?? f.status }] : [];
    const itemRows = f.itemErrors.map((e, i) => ({ ...base, key: `${base.key}-${i}`, item: e.item, message: e.reason }));
    const omitted = f.itemErrorsOmitted
      ? [{ ...base, key: `${base.key}-more`, item: `${f.itemErrorsOmitted} more items`, message: "see job_error.txt in the logs" }]
      : [];
    return [...tryRow, ...itemRows, ...omitted];
  });
  return (
    <Table label="Failures" columns={["Step", "Mini-batch", "Attempt", "Status", "Item", "Error", "Log"]}>
      {rows.map(({ f, key, item, message }) => (
        <Row key={key}>
          <Cell>{f.step}</Cell>
          <Cell>{f.idx}</Cell>
          <Cell>
            {f.attempt}
            {f.willRetry ? " (retried)" : ""}
          </Cell>
          <Cell>{f.status}</Cell>
          <Cell mono className="max-w-48 truncate" title={item}>
            {item}
          </Cell>
          <Cell className="max-w-xl">
            <span className="text-red-800">{message}</span>
            {f.stack && item === "(whole mini-batch)" && (
              <details>
                <summary className="cursor-pointer text-xs text-slate-500">stack</summary>
                <pre className="overflow-x-auto whitespace-pre-wrap text-xs">{f.stack}</pre>
              </details>
            )}
          </Cell>
          <Cell>{f.where ? <LogLink step={f.step} miniBatch={f.idx} where={f.where} onShowLog={onShowLog} /> : "–"}</Cell>
        </Row>
      ))}
    </Table>
  );
}

/** Opens the log of the process that ran the mini-batch, filtered to its lines. */
function LogLink({
  step,
  miniBatch,
  where,
  onShowLog,
}: {
  step: string;
  miniBatch: number;
  where: NonNullable<AttemptEvent["where"]>;
  onShowLog: (target: LogTarget) => void;
}) {
  const path = `user/entry_script_log/${where.nodeId}/${where.processId}.log.txt`;
  return (
    <Button variant="subtle" onClick={() => onShowLog({ step, path, filter: `mini-batch ${miniBatch}` })}>
      node {where.nodeId} / process {where.processId}
    </Button>
  );
}
