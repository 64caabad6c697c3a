import type { RunStatus, StepStatus } from "@/lib/contracts/statuses";
import { statusColor } from "./format";

export function StatusBadge({ status, label }: { status: RunStatus | StepStatus; label?: string }) {
  return (
    <span aria-label={label} data-status={status} className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${statusColor[status]}`}>
      {status}
    </span>
  );
}
