import { statusColor } from "./format";

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span aria-label={label} data-status={status} className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${statusColor[status] ?? "bg-slate-100"}`}>
      {status}
    </span>
  );
}
