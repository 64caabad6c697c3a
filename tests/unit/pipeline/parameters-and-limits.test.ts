import assert from "node:assert/strict";
import { test } from "node:test";
import { ParallelRunConfig, wholeNumberProblem } from "../../../lib/contracts/parallel-run-config";
import { canvasToDefinition } from "../../../lib/pipeline/canvas";
import { renameParameter, stepBindings } from "../../../lib/pipeline/parameters";
import { designerProblems } from "../../../lib/pipeline/validate";
import { edge, makeDatasetNode, makeLinearCanvas, makeModelNode, makeParameterNode } from "./fixtures";

const errorsOf = (graph: Parameters<typeof designerProblems>[0], ctx = {}) => designerProblems(graph, { name: "p" }, ctx).filter((p) => p.severity === "error");

test("renaming a parameter renames every binding to it, and the definition still publishes", () => {
  const { graph, step } = makeLinearCanvas();
  const param = makeParameterNode({ name: "batch_size_param", type: "int", default: 5 });
  const other = makeParameterNode({ name: "model_param", type: "string", default: "mnist" });
  graph.nodes.push(param, other);
  Object.assign(step.data.parallelRunConfig, { miniBatchSize: { param: "batch_size_param" }, nodeCount: { param: "batch_size_param" } });
  (step.data.parallelRunConfig.scorer as Record<string, unknown>).model = { param: "model_param" };
  step.data.arguments = [{ param: "batch_size_param" }, "--fast"];

  const renamed = renameParameter(graph, param.id, "mini_batch");
  const s = renamed.nodes.find((n) => n.id === step.id);
  assert.ok(s?.type === "step");
  assert.deepEqual(stepBindings(s), [
    { field: "scorer.model", param: "model_param" },
    { field: "mini_batch_size", param: "mini_batch" },
    { field: "node_count", param: "mini_batch" },
    { field: "arguments[0]", param: "mini_batch" },
  ]);
  assert.deepEqual(errorsOf(renamed), []);
  assert.deepEqual(canvasToDefinition(renamed, { name: "p" }).steps[0]?.parallelRunConfig.miniBatchSize, { param: "mini_batch" });
  // The input graph is not changed.
  assert.deepEqual(step.data.parallelRunConfig.miniBatchSize, { param: "batch_size_param" });
});

test("a rename leaves bindings alone while another node still declares the old name; a dataset parameter renames too", () => {
  const { graph, step } = makeLinearCanvas();
  const a = makeParameterNode({ name: "size" });
  const b = makeParameterNode({ name: "size" });
  graph.nodes.push(a, b);
  step.data.parallelRunConfig.miniBatchSize = { param: "size" };
  const renamed = renameParameter(graph, a.id, "other");
  const s = renamed.nodes.find((n) => n.id === step.id);
  assert.ok(s?.type === "step");
  assert.deepEqual(s.data.parallelRunConfig.miniBatchSize, { param: "size" });

  const ds = makeDatasetNode({ mode: "parameter", parameterName: "mnist_param", dataset: "mnist" });
  const g2 = renameParameter({ nodes: [ds], edges: [] }, ds.id, "digits");
  assert.equal(g2.nodes[0]?.type === "dataset" && g2.nodes[0].data.parameterName, "digits");
});

test("whole numbers follow one contract: ranges, too large, and not a number", () => {
  assert.equal(wholeNumberProblem("nodeCount", 4), undefined);
  assert.equal(wholeNumberProblem("nodeCount", 1_000_000), "node_count must be a whole number <= 100, got '1000000'");
  assert.equal(wholeNumberProblem("nodeCount", 0), "node_count must be a whole number >= 1, got '0'");
  assert.equal(
    wholeNumberProblem("errorThreshold", "99999999999999999999999"),
    "error_threshold '99999999999999999999999' is too large: give a whole number >= -1",
  );
  assert.match(wholeNumberProblem("processCountPerNode", "two") ?? "", /process_count_per_node must be a whole number >= 1, got 'two'/);
  // The API's contract says the same.
  const parsed = ParallelRunConfig.safeParse({ entry_script: "s.mjs", error_threshold: 1, output_action: "append_row", node_count: 1_000_000 });
  assert.equal(parsed.success, false);
  assert.match(parsed.error?.issues[0]?.message ?? "", /node_count must be a whole number <= 100/);
  const huge = ParallelRunConfig.safeParse({ entry_script: "s.mjs", error_threshold: "99999999999999999999999", output_action: "append_row" });
  assert.match(huge.error?.issues[0]?.message ?? "", /too large/);
  const timeout = ParallelRunConfig.safeParse({ entry_script: "s.mjs", error_threshold: 1, output_action: "append_row", run_invocation_timeout: 1e9 });
  assert.match(timeout.error?.issues[0]?.message ?? "", /run_invocation_timeout must be at most 604800 seconds/);
});

test("the designer shows the same range problems beside their fields", () => {
  const { graph, step } = makeLinearCanvas();
  Object.assign(step.data.parallelRunConfig, { nodeCount: 1_000_000, errorThreshold: "99999999999999999999999", miniBatchSize: "99999999999999999999999" });
  const problems = errorsOf(graph, { datasetKinds: { mnist: "file" } });
  assert.deepEqual(problems.map((p) => p.field).sort(), ["errorThreshold", "miniBatchSize", "nodeCount"]);
  assert.match(problems.find((p) => p.field === "errorThreshold")!.message, /too large/);
  assert.match(problems.find((p) => p.field === "miniBatchSize")!.message, /from 1 to 1000000/);
});

test("an unregistered dataset, model or datastore is a problem once the registry is known", () => {
  const { graph, step, dataset, output } = makeLinearCanvas();
  const registered = { datasets: { mnist: 2 }, models: { mnist: 1 }, datastores: ["workspace"] };
  assert.deepEqual(errorsOf(graph, { registered }), []);
  (step.data.parallelRunConfig.scorer as Record<string, unknown>).model = "nonexistent-model";
  dataset.data.dataset = "mnist:3";
  output.data.datastore = "archive";
  const problems = errorsOf(graph, { registered });
  assert.deepEqual(
    problems.map((p) => [p.field, p.message]),
    [
      ["dataset", "dataset 'mnist:3' does not exist: the latest version of 'mnist' is 2"],
      ["scorer.model", "model 'nonexistent-model' is not registered: choose one of mnist or register it on the Data & models page"],
      ["datastore", "datastore 'archive' is not registered: choose one of workspace or register it on the Data & models page"],
    ],
  );
  // Unknown registry (still loading): no guesses.
  assert.deepEqual(
    errorsOf(graph).filter((p) => /registered|does not exist/.test(p.message)),
    [],
  );
  // A Model node is checked the same way, and a datastore:// path by its datastore.
  const model = makeModelNode("resnet");
  graph.nodes.push(model);
  graph.edges.push(edge(model, "model", step, "model"));
  dataset.data.dataset = "datastore://nowhere/x/*.png";
  assert.ok(errorsOf(graph, { registered }).some((p) => p.nodeId === model.id && /model 'resnet' is not registered/.test(p.message)));
  assert.ok(errorsOf(graph, { registered }).some((p) => p.nodeId === dataset.id && /datastore 'nowhere' is not registered/.test(p.message)));
});
