import { basename } from "node:path";
import type { EntryContext } from "../../../lib/sdk/entry-script";

export interface TestContext {
  ctx: EntryContext;
  failures: { item: string | number; reason: string }[];
  logs: string[];
}

/** An entry context for tests: collects log lines and failed items; relativePath = basename. */
export function makeContext(settings: unknown, outputDir = "/tmp"): TestContext {
  const failures: TestContext["failures"] = [];
  const logs: string[] = [];
  const logAt = (level: string) => (message: string) => void logs.push(`${level} ${message}`);
  const ctx: EntryContext = {
    runId: "run_test",
    stepName: "score",
    nodeId: 0,
    processId: 0,
    logger: { debug: logAt("DEBUG"), info: logAt("INFO"), warning: logAt("WARNING"), error: logAt("ERROR") },
    outputDir,
    logDir: outputDir,
    sideInputs: {},
    arguments: [],
    args: {},
    settings,
    relativePath: (item) => basename(item),
    failItem: (item, reason) => void failures.push({ item, reason }),
  };
  return { ctx, failures, logs };
}
