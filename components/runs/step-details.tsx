"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/contracts/api/client";
import type { StepView, ThroughputPoint } from "@/lib/contracts/run-events";
import { DurationHistogram, ProcessTimeline } from "./charts";
import { StepProgress } from "./step-progress";

/** The selected step: its progress and throughput, how long its mini-batches took, and which process ran what when. */
export function StepDetails({ runId, step, throughput, active }: { runId: string; step: StepView; throughput: ThroughputPoint[]; active: boolean }) {
  const running = active && (step.status === "running" || step.status === "planning");
  const timing = useQuery({
    queryKey: ["step-timing", runId, step.name, step.status],
    queryFn: () => api.stepTiming({ params: { runId }, query: { step: step.name } }),
    enabled: step.status !== "pending",
    refetchInterval: running ? 3000 : false,
  });
  const t = timing.data;
  return (
    <div className="space-y-4">
      <StepProgress step={step} throughput={throughput} />
      {t && t.finished > 0 ? (
        <section
          aria-label={`Mini-batches of ${step.name}`}
          className="grid gap-4 rounded border border-slate-200 bg-white p-4 lg:grid-cols-2 dark:border-slate-700 dark:bg-slate-900"
        >
          <div className="min-w-0">
            <h3 className="mb-1 text-sm font-semibold">Mini-batch durations</h3>
            <DurationHistogram timing={t} />
          </div>
          <div className="min-w-0">
            <h3 className="mb-1 text-sm font-semibold">Mini-batches per worker process</h3>
            <ProcessTimeline timing={t} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
