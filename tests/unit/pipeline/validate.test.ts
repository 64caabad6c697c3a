import assert from "node:assert/strict";
import { test } from "node:test";
import { designerProblems, literalProblem } from "../../../lib/pipeline/validate";
import { edge, makeDatasetNode, makeLinearCanvas, makeModelNode, makeParameterNode, makeStepNode } from "./fixtures";

const errorsOf = (graph: Parameters<typeof designerProblems>[0], ctx = {}) => designerProblems(graph, { name: "p" }, ctx).filter((p) => p.severity === "error");

test("a complete drawn pipeline has no blocking problems", () => {
  assert.deepEqual(errorsOf(makeLinearCanvas().graph), []);
});

test("the step name rule: 3-32 characters, lower case, digits and '-'", () => {
  for (const bad of ["A", "ab", "Predict", "-abc", "abc-", "a".repeat(33), "has space"]) {
    const { graph, step } = makeLinearCanvas();
    step.data.name = bad;
    const problems = errorsOf(graph);
    assert.ok(
      problems.some((p) => p.nodeId === step.id && p.field === "name"),
      `'${bad}' is refused`,
    );
  }
  const { graph, step } = makeLinearCanvas();
  step.data.name = "A";
  assert.match(errorsOf(graph).find((p) => p.field === "name")!.message, /step name 'A': a step name has 3 to 32 characters/);
});

test("mini_batch_size: files for file data, sizes for tabular data, never 0", () => {
  const { graph, step } = makeLinearCanvas();
  step.data.parallelRunConfig.miniBatchSize = 0;
  const p = errorsOf(graph).find((x) => x.field === "miniBatchSize");
  assert.match(p!.message, /mini_batch_size '0' is not valid/);
  assert.match(literalProblem("miniBatchSize", "10MB", "file")!, /whole number of files/);
  assert.equal(literalProblem("miniBatchSize", "10MB", "tabular"), undefined);
  assert.equal(literalProblem("miniBatchSize", "10", "file"), undefined);
  assert.match(literalProblem("miniBatchSize", "ten", "tabular")!, /1024KB/);
  assert.equal(
    errorsOf(graph, { datasetKinds: { mnist: "file" } })
      .find((x) => x.field === "miniBatchSize")
      ?.message.includes("file data"),
    true,
  );
});

test("a dangling step (no input) and a step without entry script or scorer are problems", () => {
  const step = makeStepNode("lonely", { scorer: undefined });
  const problems = errorsOf({ nodes: [step], edges: [] });
  assert.ok(problems.some((p) => /has no input/.test(p.message)));
  assert.ok(problems.some((p) => /choose a built-in scorer or an entry script/.test(p.message)));
  assert.ok(errorsOf({ nodes: [], edges: [] }).some((p) => /no ParallelRunStep/.test(p.message)));
});

test("fields bound to pipeline parameters: the parameter must exist and have a fitting type", () => {
  const { graph, step } = makeLinearCanvas();
  step.data.parallelRunConfig.miniBatchSize = { param: "batch_size_param" };
  assert.match(errorsOf(graph)[0]!.message, /bound to parameter 'batch_size_param', which is not defined/);
  graph.nodes.push(makeParameterNode({ name: "batch_size_param", type: "int", default: 5 }));
  assert.deepEqual(errorsOf(graph), []);
  graph.nodes.push(makeDatasetNode({ mode: "parameter", parameterName: "images", dataset: "mnist" }));
  step.data.parallelRunConfig.nodeCount = { param: "images" };
  assert.match(errorsOf(graph).find((p) => p.field === "nodeCount")!.message, /a dataset parameter/);
});

test("a dataset parameter (mnist_param) as the step input; parameter names are unique and well formed", () => {
  const { graph, dataset } = makeLinearCanvas();
  Object.assign(dataset.data, { mode: "parameter", parameterName: "mnist_param" });
  assert.deepEqual(errorsOf(graph), []);
  graph.nodes.push(makeParameterNode({ name: "mnist_param", type: "string", default: "x" }));
  assert.ok(errorsOf(graph).some((p) => /defined twice/.test(p.message)));
  const bad = makeParameterNode({ name: "1abc", type: "int", default: "five" });
  const problems = errorsOf({ nodes: [bad], edges: [] });
  assert.ok(problems.some((p) => p.nodeId === bad.id && /use letters, digits and '_'/.test(p.message)));
  assert.ok(problems.some((p) => p.nodeId === bad.id && p.field === "default"));
});

test("the scorer needs a model, from its settings or a connected Model node", () => {
  const { graph, step } = makeLinearCanvas();
  step.data.parallelRunConfig.scorer = { kind: "onnx-image-classifier", model: "" };
  assert.ok(errorsOf(graph).some((p) => p.field === "scorer.model"));
  const model = makeModelNode("mnist");
  graph.nodes.push(model);
  graph.edges.push(edge(model, "model", step, "model"));
  assert.deepEqual(errorsOf(graph), []);
});

test("other contract rules still apply: numbers, logging level, unknown fields", () => {
  const { graph, step } = makeLinearCanvas();
  Object.assign(step.data.parallelRunConfig, { nodeCount: 0, runInvocationTimeout: -1, loggingLevel: "LOUD", errorThreshold: -2 });
  const fields = errorsOf(graph)
    .map((p) => p.field)
    .sort();
  assert.deepEqual(fields, ["errorThreshold", "loggingLevel", "nodeCount", "runInvocationTimeout"]);
  const other = makeLinearCanvas();
  other.step.data.parallelRunConfig.bogus = 1;
  assert.ok(errorsOf(other.graph).some((p) => /bogus|Unrecognized/i.test(p.message)));
});

test("duplicate step names are caught", () => {
  const { graph, dataset } = makeLinearCanvas();
  const twin = makeStepNode("predict-digits");
  graph.nodes.push(twin);
  graph.edges.push(edge(dataset, "data", twin, "inputs"));
  assert.ok(errorsOf(graph).some((p) => p.nodeId === twin.id && /used twice/.test(p.message)));
});
