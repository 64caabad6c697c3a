import type { RunStatus, StepStatus } from "@/lib/contracts/statuses";
import { type Outcome, outcomeText, outcomeTone, toneClass } from "./outcome";

/** A status in words and colours that match what happened (`outcome`, when counters are known). */
export function StatusBadge({ status, outcome, label }: { status: RunStatus | StepStatus; outcome?: Outcome; label?: string }) {
  const shown = outcome ?? status;
  if (label)
    return (
      <span role="status" aria-label={label} data-status={status} data-outcome={shown} className={badgeClass(shown)}>
        {outcomeText[shown]}
      </span>
    );
  return (
    <span data-status={status} data-outcome={shown} className={badgeClass(shown)}>
      {outcomeText[shown]}
    </span>
  );
}

const badgeClass = (outcome: Outcome) => `inline-block whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${toneClass[outcomeTone[outcome]].badge}`;
