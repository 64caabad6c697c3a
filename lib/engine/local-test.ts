import { closeSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import type { LoggingLevel } from "../contracts/parallel-run-config";
import { csvLine } from "../datasets/tabular/csv-fields";
import { invalid } from "../errors";
import { LocalAgent, type Assignment } from "./agent";
import type { MiniBatchResult } from "./protocol";

export interface LocalTestInput {
  script: string;
  files: string[];
  arguments?: string[];
  loggingLevel?: LoggingLevel;
  timeoutSeconds?: number;
  settings?: unknown;
  /** A built environment the script's imports resolve from first, and its variables. */
  environment?: { dir: string; variables: Record<string, string> };
}

export interface LocalTestResult {
  result: MiniBatchResult;
  output: string;
  logDir: string;
  initError?: string;
}

function commonDir(files: string[]): string {
  let dir = dirname(files[0]!);
  while (!files.every((f) => f.startsWith(`${dir}/`)) && dir !== "/") dir = dirname(dir);
  return dir;
}

/**
 * Runs an entry script on one mini-batch exactly as a worker would (same process runtime,
 * same context, same result checks), without a database or a pipeline.
 */
export async function testEntryScript(input: LocalTestInput): Promise<LocalTestResult> {
  if (input.files.length === 0) throw invalid("give at least one input file");
  const files = input.files.map((f) => resolve(f));
  const root = commonDir(files);
  const work = mkdtempSync(join(tmpdir(), "prs-test-"));
  const logDir = join(work, "logs");
  return new Promise<LocalTestResult>((done, fail) => {
    let handed = false;
    let initError: string | undefined;
    const assignment: Assignment = { idx: 0, attempt: 1, items: { kind: "files", datastore: "local", root: "", names: files.map((f) => relative(root, f)) } };
    const agent = new LocalAgent(
      {
        nodeId: 0,
        processCount: 1,
        runInvocationTimeoutSeconds: input.timeoutSeconds ?? 60,
        maxInitFailures: 1,
        // The same scrubbed environment as in a run (child-env.ts), with the environment's variables.
        environment: { ...input.environment?.variables },
        homeDir: join(work, "home"),
        setup: {
          runId: "local-test",
          stepName: "local-test",
          entryModule: resolve(input.script),
          entryLabel: input.script,
          environmentDir: input.environment?.dir,
          settings: input.settings,
          loggingLevel: input.loggingLevel ?? "DEBUG",
          logDir,
          outputDir: join(work, "output"),
          segmentsDir: join(work, "segments"),
          cacheDir: join(work, "cache"),
          sideInputs: {},
          arguments: input.arguments ?? [],
          datastores: { local: { kind: "local", config: { root } } },
          outputAction: "append_row",
        },
      },
      {
        take: () => {
          if (handed) return undefined;
          handed = true;
          return assignment;
        },
        giveBack: () => {},
        processEvent: (e) => {
          if (e.type === "process_init_failed") {
            initError = e.error;
            void agent.kill().then(() =>
              done({
                result: {
                  idx: 0,
                  attempt: 1,
                  status: "RUN_EXCEPTION",
                  itemCount: files.length,
                  succeeded: 0,
                  failed: files.length,
                  runSeconds: 0,
                  totalSeconds: 0,
                  error: e.error,
                  itemErrors: [],
                },
                output: "",
                logDir,
                initError,
              }),
            );
          }
        },
        complete: (result) => {
          let output = "";
          if (result.output) {
            const { file, offset, length, columns } = result.output;
            const fd = openSync(file, "r");
            const rows = Buffer.alloc(length);
            readSync(fd, rows, 0, length, offset);
            closeSync(fd);
            output = (columns ? `${csvLine(columns)}\n` : "") + rows.toString("utf8");
          }
          void agent.stop().then(() => done({ result, output, logDir, initError }), fail);
        },
      },
    );
    agent.start();
  }).finally(() => {
    // Keep logs for the user to read; remove the rest.
    rmSync(join(work, "segments"), { recursive: true, force: true });
  });
}
