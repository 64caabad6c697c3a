import assert from "node:assert/strict";
import { test } from "node:test";
import { CanvasGraph } from "../../../lib/contracts/canvas";
import { PipelineDefinition } from "../../../lib/contracts/pipeline";
import { canvasToDefinition, definitionToCanvas } from "../../../lib/pipeline/canvas";
import { autoLayout } from "../../../lib/pipeline/layout";
import { designerProblems } from "../../../lib/pipeline/validate";
import { samplePipelineDefinition } from "../../../samples/seed";
import { edge, makeDatasetNode, makeLinearCanvas, makeModelNode, makeOutputNode, makeStepNode } from "./fixtures";

test("the tutorial pipeline survives definition -> canvas -> definition unchanged", () => {
  const def = PipelineDefinition.parse(samplePipelineDefinition());
  const canvas = definitionToCanvas(def);
  assert.deepEqual(CanvasGraph.parse(canvas), canvas, "the canvas satisfies its contract");
  assert.deepEqual(canvas.nodes.map((n) => n.type).sort(), ["dataset", "output", "parameter", "parameter", "step"]);
  const dataset = canvas.nodes.find((n) => n.type === "dataset");
  assert.deepEqual(dataset?.data, { mode: "parameter", dataset: "mnist", parameterName: "mnist_param", description: "Images to score" });
  assert.deepEqual(
    designerProblems(canvas, { name: def.name }).filter((p) => p.severity === "error"),
    [],
  );
  const back = canvasToDefinition(canvas, { name: def.name, description: def.description });
  assert.deepEqual(back.steps, def.steps);
  assert.deepEqual(
    [...back.parameters].sort((a, b) => a.name.localeCompare(b.name)),
    [...def.parameters].sort((a, b) => a.name.localeCompare(b.name)),
  );
});

test("a drawn graph becomes the CLI's definition: inputs, side inputs, model and output from edges", () => {
  const images = makeDatasetNode({ dataset: "mnist" });
  const labels = makeDatasetNode({ dataset: "datastore://workspace/mnist_labels.csv" });
  const model = makeModelNode("mnist:1");
  const step = makeStepNode("score", { scorer: { kind: "onnx-image-classifier", model: "" }, miniBatchSize: "", nodeCount: "" });
  const out = makeOutputNode({ datastore: "workspace", path: "results/digits" });
  const def = canvasToDefinition(
    {
      nodes: [images, labels, model, step, out],
      edges: [
        edge(images, "data", step, "inputs"),
        edge(labels, "data", step, "side_inputs"),
        edge(model, "model", step, "model"),
        edge(step, "output", out, "in"),
      ],
    },
    { name: "drawn" },
  );
  const s = def.steps[0]!;
  assert.deepEqual(s.inputs, [{ dataset: "mnist" }]);
  assert.deepEqual(s.sideInputs, [{ dataset: "datastore://workspace/mnist_labels.csv" }]);
  assert.deepEqual(s.output, { datastore: "workspace", path: "results/digits" });
  assert.equal(s.parallelRunConfig.scorer?.model, "mnist:1", "the connected Model node sets the scorer's model");
  assert.equal(s.parallelRunConfig.miniBatchSize, undefined, "blank fields are left to the defaults");
  assert.equal(s.parallelRunConfig.nodeCount, 1);
});

test("multi-step pipelines: a step's output feeds the next step", () => {
  const { graph, step } = makeLinearCanvas();
  const second = makeStepNode("summarize", { scorer: undefined, entryScript: "/scripts/summarize.mjs" });
  graph.nodes.push(second);
  graph.edges.push(edge(step, "output", second, "inputs"));
  const def = canvasToDefinition(graph, { name: "two-steps" });
  assert.deepEqual(def.steps[1]?.inputs, [{ step: "predict-digits" }]);
  const canvas = definitionToCanvas(def);
  assert.equal(canvas.nodes.filter((n) => n.type === "step").length, 2);
  assert.deepEqual(canvasToDefinition(canvas, { name: "two-steps" }).steps, def.steps);
});

test("auto-layout puts each node right of what it reads", () => {
  const { graph, dataset, step, output } = makeLinearCanvas();
  const laid = autoLayout(graph);
  const x = (id: string) => laid.nodes.find((n) => n.id === id)!.position.x;
  assert.ok(x(dataset.id) < x(step.id) && x(step.id) < x(output.id));
});
