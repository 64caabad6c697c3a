"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCan } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { RunView, StepView } from "@/lib/contracts/run-events";
import { isTerminalRunStatus } from "@/lib/contracts/statuses";
import { SubmitButton } from "./submit-dialog";

/** Cancel, resume, retry failed mini-batches, resubmit with changed values, delete (editors and admins). */
export function RunControls({ run, steps, onChanged }: { run: RunView; steps: StepView[]; onChanged: () => void }) {
  const canChange = useCan("editor");
  const router = useRouter();
  const action = useMutation({
    mutationFn: async (kind: "cancelRun" | "resumeRun" | "retryFailed" | "deleteRun"): Promise<unknown> => api[kind]({ params: { runId: run.id } }),
    onSuccess: (_data, kind) => {
      if (kind === "deleteRun") router.push("/runs");
      else onChanged();
    },
  });
  const s = run.status;
  const failedMiniBatches = steps.reduce((n, step) => n + step.counters.failedMiniBatches, 0);
  if (!canChange) return null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {(s === "queued" || s === "running") && (
        <Button size="lg" disabled={action.isPending} onClick={() => action.mutate("cancelRun")}>
          Cancel
        </Button>
      )}
      {(s === "cancelled" || s === "failed") && (
        <Button size="lg" disabled={action.isPending} onClick={() => action.mutate("resumeRun")}>
          Resume
        </Button>
      )}
      {isTerminalRunStatus(s) && failedMiniBatches > 0 && (
        <Button size="lg" disabled={action.isPending} onClick={() => action.mutate("retryFailed")}>
          Retry failed mini-batches
        </Button>
      )}
      <SubmitButton
        pipeline={run.pipeline}
        version={run.pipelineVersion}
        initial={{ experiment: run.experimentName, parameters: run.parameters }}
        label="Resubmit…"
        variant="secondary"
      />
      {s !== "running" && s !== "cancelling" && (
        <Button
          size="lg"
          variant="danger"
          disabled={action.isPending}
          onClick={() => window.confirm(`Delete run ${run.id}, its logs and its outputs?`) && action.mutate("deleteRun")}
        >
          Delete
        </Button>
      )}
      <ErrorText error={action.error} />
    </div>
  );
}
