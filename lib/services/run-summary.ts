/** The fields every run list shows (the runs page, the designer's Runs tab), from a run row with its steps' counters. */
export interface RunSummaryRow {
  id: string;
  experimentName: string;
  status: string;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  steps: { totalItems: number; succeededItems: number; failedItems: number }[];
}

export function runSummaryJson<R extends RunSummaryRow>(r: R) {
  return {
    id: r.id,
    experimentName: r.experimentName,
    status: r.status as R["status"],
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
    totalItems: r.steps.reduce((n, s) => n + s.totalItems, 0),
    succeededItems: r.steps.reduce((n, s) => n + s.succeededItems, 0),
    failedItems: r.steps.reduce((n, s) => n + s.failedItems, 0),
  };
}
