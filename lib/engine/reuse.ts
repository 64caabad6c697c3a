import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/client";
import { StoredStepOutput, type ResolvedRunConfig } from "../contracts/parallel-run-config";
import { parseColumn } from "../db/columns";
import { STEP_STATUSES_WITH_OUTPUT } from "../contracts/statuses";
import { writeFileDurably, writeFully } from "../fs/durable-write";
import type { ResolvedInput } from "./inputs";

/**
 * allow_reuse: a step is identical to an earlier one when its config (less the settings that
 * only change how it runs), inputs, side inputs, code and model, arguments and output location
 * are; the data's fingerprint (listing of paths and sizes) is appended as `<base>:<fingerprint>`.
 */
export function reuseBaseKey(parts: {
  config: ResolvedRunConfig;
  inputs: ResolvedInput[];
  sideInputs: ResolvedInput[];
  entryHash: string;
  args: string[];
  output: [string, string];
}): string {
  const { config } = parts;
  return createHash("sha256")
    .update(
      JSON.stringify({
        config: {
          ...config,
          nodeCount: 0,
          processCountPerNode: 0,
          runInvocationTimeout: 0,
          initTimeout: undefined,
          processMemoryLimit: undefined,
          runMaxTry: 0,
          loggingLevel: "",
        },
        inputs: parts.inputs.map((i) => i.identity),
        sideInputs: parts.sideInputs.map((i) => i.identity),
        entry: parts.entryHash,
        args: parts.args,
        output: parts.output,
      }),
    )
    .digest("hex");
}

/** Whether some finished step has this identity (its data may still differ). */
export async function hasReuseCandidate(db: Db, baseKey: string): Promise<boolean> {
  return (await db.stepRun.count({ where: { reuseKey: { startsWith: `${baseKey}:` }, status: { in: [...STEP_STATUSES_WITH_OUTPUT] } } })) > 0;
}

/**
 * An earlier step with the same identity and the same data fingerprint: its output is copied
 * instead of running. The listing for the fingerprint is made only when such a step exists.
 */
export async function tryReuse(db: Db, stepRunId: string, baseKey: string, fingerprint: () => Promise<string>, config: ResolvedRunConfig, outputLocal: string) {
  const candidates = await db.stepRun.findMany({
    where: { reuseKey: { startsWith: `${baseKey}:` }, status: { in: [...STEP_STATUSES_WITH_OUTPUT] }, id: { not: stepRunId } },
    orderBy: { endedAt: "desc" },
    take: 5,
  });
  if (candidates.length === 0) return undefined;
  const key = `${baseKey}:${await fingerprint()}`;
  const previous = candidates.find((c) => c.reuseKey === key);
  if (!previous) return undefined;
  const prevConfig = parseColumn(StoredStepOutput, previous.config, `Config of step ${previous.stepName} of run ${previous.runId}`);
  if (config.outputAction === "append_row") {
    const source = join(previous.outputDir, config.appendRowFileName);
    if (!existsSync(source)) return undefined;
    // An earlier output that is not whole (changed since it was written) is not reused.
    if (prevConfig.outputBytes !== undefined && statSync(source).size !== prevConfig.outputBytes) return undefined;
    const target = join(outputLocal, config.appendRowFileName);
    // Copied under a temporary name and renamed when whole: a full disk leaves no partial copy.
    if (source !== target) writeFileDurably(target, target, (fd) => copyInto(source, fd), "output folder");
  }
  return { ...previous, columns: prevConfig.columns ?? false, outputBytes: prevConfig.outputBytes };
}

function copyInto(source: string, out: number): void {
  const fd = openSync(source, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) writeFully(out, buffer, 0, n);
  } finally {
    closeSync(fd);
  }
}
