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
    const omitted = f.itemErrorsOmitted ? [{ ...base, key: `${base.key}-more`, item: `${f.itemErrorsOmitted} more items`, message: "see job_error.txt in the logs" }] : [];
    return [...tryRow, ...itemRows, ...omitted];
  });
  return (
    <table className="w-full text-sm" aria-label="Failures">
      <thead className="text-left text-slate-500">
        <tr>
          <th className="py-1 font-normal">Step</th>
          <th className="font-normal">Mini-batch</th>
          <th className="font-normal">Attempt</th>
          <th className="font-normal">Status</th>
          <th className="font-normal">Item</th>
          <th className="font-normal">Error</th>
          <th className="font-normal">Log</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ f, key, item, message }) => (
          <tr key={key} className="border-t border-slate-100 align-top">
            <td className="py-1">{f.step}</td>
            <td>{f.idx}</td>
            <td>
              {f.attempt}
              {f.willRetry ? " (retried)" : ""}
            </td>
            <td>{f.status}</td>
            <td className="max-w-48 truncate font-mono" title={item}>
              {item}
            </td>
            <td className="max-w-xl">
              <span className="text-red-800">{message}</span>
              {f.stack && item === "(whole mini-batch)" && (
                <details>
                  <summary className="cursor-pointer text-xs text-slate-500">stack</summary>
                  <pre className="overflow-x-auto whitespace-pre-wrap text-xs">{f.stack}</pre>
                </details>
              )}
            </td>
            <td>
              {f.where ? (
                <button
                  type="button"
                  className="text-blue-700 hover:underline"
                  onClick={() => onShowLog({ step: f.step, path: `user/entry_script_log/${f.where!.nodeId}/${f.where!.processId}.log.txt`, filter: `mini-batch ${f.idx}` })}
                >
                  node {f.where.nodeId} / process {f.where.processId}
                </button>
              ) : (
                "–"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
