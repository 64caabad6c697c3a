import assert from "node:assert/strict";
import { test } from "node:test";
import { connectionChoices, connectionProblem, withNewNode } from "../../../lib/pipeline/connections";
import { makeDatasetNode, makeLinearCanvas, makeModelNode, makeStepNode } from "./fixtures";

test("a connection dropped on empty canvas offers only the node types that fit that port", () => {
  const { graph, step, dataset } = makeLinearCanvas();
  const labels = (end: Parameters<typeof connectionChoices>[1]) => connectionChoices(graph, end, { newNodes: true }).map((c) => c.label);
  // A step that already writes to an Output: only another step can read its output.
  assert.deepEqual(labels({ nodeId: step.id, handleId: "output", handleType: "source" }), ["ParallelRunStep (inputs)", "ParallelRunStep (side inputs)"]);
  assert.deepEqual(labels({ nodeId: dataset.id, handleId: "data", handleType: "source" }), ["ParallelRunStep (inputs)", "ParallelRunStep (side inputs)"]);
  assert.deepEqual(labels({ nodeId: step.id, handleId: "model", handleType: "target" }), ["Model"]);
  assert.deepEqual(labels({ nodeId: step.id, handleId: "inputs", handleType: "target" }), ["Dataset", "ParallelRunStep"]);
  const lone = makeStepNode("lonely");
  assert.deepEqual(
    connectionChoices({ nodes: [lone], edges: [] }, { nodeId: lone.id, handleId: "output", handleType: "source" }, { newNodes: true }).map((c) => c.label),
    ["ParallelRunStep (inputs)", "ParallelRunStep (side inputs)", "Output"],
  );
});

test("connecting by keyboard lists existing ports that accept the connection, and each is allowed", () => {
  const { graph, step } = makeLinearCanvas();
  const model = makeModelNode();
  const other = makeDatasetNode({ dataset: "other" });
  graph.nodes.push(model, other);
  const fromModel = connectionChoices(graph, { nodeId: model.id, handleId: "model", handleType: "source" }, { newNodes: false });
  assert.deepEqual(
    fromModel.map((c) => c.label),
    ["model of ParallelRunStep 'predict-digits'"],
  );
  const fromData = connectionChoices(graph, { nodeId: other.id, handleId: "data", handleType: "source" }, { newNodes: false });
  assert.deepEqual(
    fromData.map((c) => c.label),
    ["inputs of ParallelRunStep 'predict-digits'", "side inputs of ParallelRunStep 'predict-digits'"],
  );
  for (const c of [...fromModel, ...fromData]) assert.equal(connectionProblem(c.connection, graph), undefined);
  const choice = connectionChoices(graph, { nodeId: step.id, handleId: "model", handleType: "target" }, { newNodes: true })[0]!;
  assert.deepEqual(withNewNode(choice, "model-9"), { source: "model-9", sourceHandle: "model", target: step.id, targetHandle: "model" });
});
