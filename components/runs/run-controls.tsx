"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { RunView, StepView } from "@/lib/contracts/run-events";
import { isTerminalRunStatus } from "@/lib/contracts/statuses";
import { fetchJson, runUrl } from "./api";
import { SubmitButton } from "./submit-dialog";

const button = "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-50";

/** Cancel, resume, retry failed mini-batches, resubmit with changed values, delete. */
export function RunControls({ run, steps, onChanged }: { run: RunView; steps: StepView[]; onChanged: () => void }) {
  const router = useRouter();
  const action = useMutation({
    mutationFn: ({ path, method = "POST" }: { path: string; method?: string }) => fetchJson<unknown>(runUrl(run.id, path), { method }),
    onSuccess: (_data, { method }) => {
      if (method === "DELETE") router.push("/runs");
      else onChanged();
    },
  });
  const s = run.status;
  const failedMiniBatches = steps.reduce((n, step) => n + step.counters.failedMiniBatches, 0);
  return (
    <div className="flex flex-wrap items-center gap-2">
      {(s === "queued" || s === "running") && (
        <button type="button" className={button} disabled={action.isPending} onClick={() => action.mutate({ path: "/cancel" })}>
          Cancel
        </button>
      )}
      {(s === "cancelled" || s === "failed") && (
        <button type="button" className={button} disabled={action.isPending} onClick={() => action.mutate({ path: "/resume" })}>
          Resume
        </button>
      )}
      {isTerminalRunStatus(s) && failedMiniBatches > 0 && (
        <button type="button" className={button} disabled={action.isPending} onClick={() => action.mutate({ path: "/retry-failed" })}>
          Retry failed mini-batches
        </button>
      )}
      <SubmitButton pipeline={run.pipeline} version={run.pipelineVersion} initial={{ experiment: run.experimentName, parameters: run.parameters }} label="Resubmit…" className={button} />
      {s !== "running" && s !== "cancelling" && (
        <button
          type="button"
          className={`${button} text-red-700`}
          disabled={action.isPending}
          onClick={() => window.confirm(`Delete run ${run.id}, its logs and its outputs?`) && action.mutate({ path: "", method: "DELETE" })}
        >
          Delete
        </button>
      )}
      {action.error && <span role="alert" className="text-sm text-red-700">{action.error.message}</span>}
    </div>
  );
}
