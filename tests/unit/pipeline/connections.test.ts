import assert from "node:assert/strict";
import { test } from "node:test";
import { connectionProblem } from "../../../lib/pipeline/connections";
import { edge, makeDatasetNode, makeLinearCanvas, makeModelNode, makeOutputNode, makeParameterNode, makeStepNode } from "./fixtures";

const conn = (source: { id: string }, sourceHandle: string, target: { id: string }, targetHandle: string) => ({
  source: source.id,
  sourceHandle,
  target: target.id,
  targetHandle,
});

test("typed handles: datasets and step outputs into inputs, models into the model handle, step output into an Output", () => {
  const { graph, dataset, step, output } = makeLinearCanvas();
  const model = makeModelNode();
  const next = makeStepNode("next-step");
  const side = makeDatasetNode({ dataset: "labels" });
  graph.nodes.push(model, next, side);
  assert.equal(connectionProblem(conn(model, "model", step, "model"), graph), undefined);
  assert.equal(connectionProblem(conn(step, "output", next, "inputs"), graph), undefined);
  assert.equal(connectionProblem(conn(side, "data", next, "side_inputs"), graph), undefined);
  assert.equal(connectionProblem(conn(dataset, "data", next, "inputs"), graph), undefined);
  assert.equal(
    connectionProblem(conn(next, "output", makeOutputNode(), "in"), { ...graph, nodes: [...graph.nodes] }),
    "both ends of a connection must be nodes on the canvas",
  );
  void output;
});

test("a wrong type of connection is refused with the reason", () => {
  const { graph, dataset, step, output } = makeLinearCanvas();
  const model = makeModelNode();
  graph.nodes.push(model);
  assert.match(connectionProblem(conn(dataset, "data", step, "model"), graph)!, /only a Model node connects there/);
  assert.match(connectionProblem(conn(model, "model", step, "inputs"), graph)!, /a model connects to a step's model handle/);
  assert.match(connectionProblem(conn(dataset, "data", output, "in"), graph)!, /an Output receives a ParallelRunStep's output/);
  assert.match(connectionProblem(conn(output, "in", step, "inputs"), graph)!, /has no output to connect from/);
  assert.match(connectionProblem(conn(step, "output", dataset, "data"), graph)!, /takes no inputs/);
  const param = makeParameterNode();
  graph.nodes.push(param);
  assert.match(connectionProblem(conn(param, "data", step, "inputs"), graph)!, /has no output to connect from/);
});

test("cycles are refused, naming the loop", () => {
  const { graph, step } = makeLinearCanvas();
  const b = makeStepNode("step-b");
  const c = makeStepNode("step-c");
  graph.nodes.push(b, c);
  graph.edges.push(edge(step, "output", b, "inputs"), edge(b, "output", c, "inputs"));
  const problem = connectionProblem(conn(c, "output", step, "inputs"), graph);
  assert.match(problem!, /would create a cycle/);
  assert.match(problem!, /ParallelRunStep 'step-c'/);
  assert.match(connectionProblem(conn(step, "output", step, "inputs"), graph)!, /cannot be connected to itself/);
  assert.match(connectionProblem(conn(c, "output", step, "side_inputs"), graph)!, /cycle/);
});

test("one model per step, one step per output, no duplicate edges, no model for an entry script", () => {
  const { graph, dataset, step, output } = makeLinearCanvas();
  const m1 = makeModelNode("a");
  const m2 = makeModelNode("b");
  graph.nodes.push(m1, m2);
  graph.edges.push(edge(m1, "model", step, "model"));
  assert.match(connectionProblem(conn(m2, "model", step, "model"), graph)!, /already has a model/);
  assert.match(connectionProblem(conn(dataset, "data", step, "inputs"), graph)!, /already connected/);
  const other = makeStepNode("other-step");
  graph.nodes.push(other);
  assert.match(connectionProblem(conn(other, "output", output, "in"), graph)!, /already receives a step's output/);
  const out2 = makeOutputNode();
  graph.nodes.push(out2);
  assert.match(connectionProblem(conn(step, "output", out2, "in"), graph)!, /already writes to an Output/);
  const scripted = makeStepNode("scripted", { scorer: undefined, entryScript: "score.mjs" });
  graph.nodes.push(scripted);
  assert.match(connectionProblem(conn(m2, "model", scripted, "model"), graph)!, /runs an entry script/);
});
