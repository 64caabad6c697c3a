import assert from "node:assert/strict";
import { test } from "node:test";
import { fromFlowType, toCanvas, toFlowEdges, toFlowNodes, toFlowType } from "../../../components/designer/flow";
import { CANVAS_NODE_TYPES, type CanvasGraph } from "../../../lib/contracts/canvas";
import { makeLinearCanvas, makeModelNode, makeParameterNode } from "../pipeline/fixtures";

/** The node types React Flow styles itself (a frame of its own around `.react-flow__node-<type>`). */
const REACT_FLOW_BUILT_INS = ["input", "default", "output", "group"];

test("no canvas node type reaches React Flow under one of its built-in names", () => {
  for (const type of CANVAS_NODE_TYPES) assert.ok(!REACT_FLOW_BUILT_INS.includes(toFlowType(type)), `${type} -> ${toFlowType(type)}`);
  assert.equal(new Set(CANVAS_NODE_TYPES.map(toFlowType)).size, CANVAS_NODE_TYPES.length);
});

test("a saved graph survives the trip through React Flow unchanged, saved type names included", () => {
  const { graph: linear } = makeLinearCanvas();
  const graph: CanvasGraph = { ...linear, nodes: [...linear.nodes, makeModelNode(), makeParameterNode()] };
  const flowNodes = toFlowNodes(graph);
  assert.deepEqual(
    flowNodes.map((n) => n.type),
    graph.nodes.map((n) => toFlowType(n.type)),
  );
  assert.deepEqual(toCanvas(flowNodes, toFlowEdges(graph)), graph);
  assert.deepEqual(new Set(graph.nodes.map((n) => n.type)), new Set(CANVAS_NODE_TYPES));
});

test("a React Flow type that is not one of ours is refused by name", () => {
  assert.throws(() => fromFlowType("output"), /'output' is not a canvas node type/);
  assert.throws(() => fromFlowType("prs-group"), /'prs-group' is not a canvas node type/);
  assert.throws(() => fromFlowType(undefined), /not a canvas node type/);
  assert.equal(fromFlowType(toFlowType("output")), "output");
});
