import assert from "node:assert/strict";
import { test } from "node:test";
import { ParallelRunConfig } from "../../../lib/contracts/parallel-run-config";
import { resolveParameters, resolveRunConfig } from "../../../lib/engine/resolve";
import { exceededThreshold } from "../../../lib/engine/thresholds";
import { formatRows } from "../../../lib/engine/rows";
import { literalProblem } from "../../../lib/pipeline/validate";

const counts = (o: Partial<Parameters<typeof exceededThreshold>[1]>) => ({
  totalMiniBatches: 10,
  scheduledMiniBatches: 5,
  failedMiniBatches: 0,
  failedItems: 0,
  ...o,
});

test("error_threshold counts failed items over the whole input; -1 ignores failures", () => {
  assert.equal(exceededThreshold({ errorThreshold: 10 }, counts({ failedItems: 10 })), undefined);
  assert.match(exceededThreshold({ errorThreshold: 10 }, counts({ failedItems: 11 }))!, /11 items failed, more than error_threshold 10/);
  assert.equal(exceededThreshold({ errorThreshold: -1 }, counts({ failedItems: 1e6 })), undefined);
});

test("allowed_failed_count and allowed_failed_percent count failed mini-batches; the percent waits for full scheduling", () => {
  assert.match(exceededThreshold({ errorThreshold: -1, allowedFailedCount: 1 }, counts({ failedMiniBatches: 2 }))!, /allowed_failed_count 1/);
  assert.equal(exceededThreshold({ errorThreshold: -1, allowedFailedPercent: 10 }, counts({ failedMiniBatches: 3, scheduledMiniBatches: 9 })), undefined);
  assert.match(
    exceededThreshold({ errorThreshold: -1, allowedFailedPercent: 10 }, counts({ failedMiniBatches: 2, scheduledMiniBatches: 10 }))!,
    /20\.0% of mini-batches failed/,
  );
});

test("snake_case and camelCase configs are the same contract; parameters bind and coerce", () => {
  const snake = ParallelRunConfig.parse({
    entry_script: "s.ts",
    mini_batch_size: { param: "bs" },
    error_threshold: 10,
    output_action: "append_row",
    node_count: 2,
    run_max_try: "2",
  });
  const camel = ParallelRunConfig.parse({
    entryScript: "s.ts",
    miniBatchSize: { param: "bs" },
    errorThreshold: 10,
    outputAction: "append_row",
    nodeCount: 2,
    runMaxTry: "2",
  });
  assert.deepEqual(snake, camel);
  const params = resolveParameters([{ name: "bs", type: "int", default: 5 }], { bs: "1" });
  const resolved = resolveRunConfig(snake, params, "file", "score");
  assert.equal(resolved.miniBatchSize, 1);
  assert.equal(resolved.runMaxTry, 2);
  assert.equal(resolved.appendRowFileName, "parallel_run_step.txt");
  assert.equal(resolved.runInvocationTimeout, 60);
  assert.equal(resolved.initTimeout, 300);
  const bound = ParallelRunConfig.parse({ entry_script: "s.ts", error_threshold: 1, output_action: "append_row", init_timeout: { param: "init" } });
  assert.equal(resolveRunConfig(bound, resolveParameters([{ name: "init", type: "number", default: 2.5 }]), "file", "score").initTimeout, 2.5);
});

test("bad values are named with the field and the value", () => {
  const base = { entry_script: "s.ts", error_threshold: 1, output_action: "append_row" } as const;
  const resolve = (extra: Record<string, unknown>, kind: "file" | "tabular" = "file") =>
    resolveRunConfig(ParallelRunConfig.parse({ ...base, ...extra }), {}, kind, "score");
  assert.throws(() => resolve({ mini_batch_size: "abc" }), /mini_batch_size 'abc' is not valid for file data/);
  assert.throws(() => resolve({ mini_batch_size: 0 }), /mini_batch_size '0' is not valid/);
  assert.throws(() => resolve({ mini_batch_size: "abc" }, "tabular"), /mini_batch_size 'abc' is not valid for tabular data/);
  assert.equal(resolve({ mini_batch_size: "10MB" }, "tabular").miniBatchSize, 10 * 1024 * 1024);
  assert.throws(() => resolve({ error_threshold: -2 }), /error_threshold must be a whole number >= -1, got '-2'/);
  assert.throws(() => resolve({ process_count_per_node: 0 }), /process_count_per_node must be a whole number >= 1/);
  assert.throws(() => resolve({ logging_level: "LOUD" }), /logging_level 'LOUD' is not one of WARNING, INFO, DEBUG/);
  assert.throws(() => resolve({ run_invocation_timeout: "soon" }), /run_invocation_timeout must be a number of seconds/);
  assert.throws(() => resolve({ init_timeout: 0 }), /init_timeout must be a number of seconds > 0, got '0'/);
  assert.throws(() => resolveParameters([{ name: "bs", type: "int", default: 5 }], { bs: "abc" }), /Parameter 'bs' must be a whole number, got 'abc'/);
});

test("process_memory_limit: no limit by default, MB from a literal or a pipeline parameter, bad values named", () => {
  const base = { entry_script: "s.ts", error_threshold: 1, output_action: "append_row" } as const;
  const resolve = (extra: Record<string, unknown>, params = {}) => resolveRunConfig(ParallelRunConfig.parse({ ...base, ...extra }), params, "file", "score");
  assert.equal(resolve({}).processMemoryLimit, undefined);
  assert.equal(resolve({ process_memory_limit: "2048" }).processMemoryLimit, 2048);
  assert.deepEqual(ParallelRunConfig.parse({ ...base, processMemoryLimit: 512 }), ParallelRunConfig.parse({ ...base, process_memory_limit: 512 }));
  const params = resolveParameters([{ name: "memory", type: "int", default: 4096 }], { memory: "1024" });
  assert.equal(resolve({ process_memory_limit: { param: "memory" } }, params).processMemoryLimit, 1024);
  assert.throws(() => resolve({ process_memory_limit: 10 }), /process_memory_limit must be a whole number of MB >= 64, got '10'/);
  assert.throws(() => resolve({ process_memory_limit: "4GB" }), /process_memory_limit must be a whole number of MB >= 64, got '4GB'/);
  assert.equal(literalProblem("processMemoryLimit", 512, "file"), undefined);
  assert.match(literalProblem("processMemoryLimit", 1.5, "file")!, /process_memory_limit must be a whole number of MB >= 64, got '1.5'/);
});

test("result rows: objects give a header, strings stay lines, quoting follows RFC 4180", () => {
  assert.deepEqual(
    formatRows([
      { file: "a,b.png", label: 7 },
      { file: 'q"uote', label: 1 },
    ]),
    { lines: '"a,b.png",7\n"q""uote",1\n', columns: ["file", "label"] },
  );
  assert.deepEqual(formatRows(["0.png: 7", 3]), { lines: "0.png: 7\n3\n", columns: null });
  assert.throws(() => formatRows([null]), /run\(\) result 0 is null/);
});
