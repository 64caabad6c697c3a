import { basename } from "node:path";
import type { EntryContext } from "../../../lib/sdk/entry-script";
import { parseImageClassifierSettings, parseTabularScorerSettings } from "../../../lib/scorers/settings";

/** Built-in scorer settings as the engine hands them to a worker: validated, defaults applied. */
function handOver(settings: unknown): unknown {
  const kind = (settings as { kind?: unknown } | null)?.kind;
  if (kind === "onnx-image-classifier") return parseImageClassifierSettings(settings);
  if (kind === "onnx-tabular") return parseTabularScorerSettings(settings);
  return settings;
}

export interface TestContext {
  ctx: EntryContext;
  failures: { item: string | number; reason: string }[];
  logs: string[];
}

/**
 * An entry context for tests: collects log lines and failed items; relativePath = basename.
 * Scorer settings are handed over as the engine does (validated first) unless `raw` is set.
 */
export function makeContext(settings: unknown, outputDir = "/tmp", raw = false): TestContext {
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
    settings: raw ? settings : handOver(settings),
    relativePath: (item) => basename(item),
    failItem: (item, reason) => void failures.push({ item, reason }),
  };
  return { ctx, failures, logs };
}
