import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_LAYOUT, PALETTE_WIDTH, PANEL_WIDTH, readLayout } from "../../../components/designer/workspace/layout-prefs";
import { toCanvas, toFlowNodes } from "../../../components/designer/flow";
import { makeLinearCanvas, makeParameterNode } from "../pipeline/fixtures";

test("a stored layout is read back, clamped to the allowed widths; anything broken falls back to the defaults", () => {
  assert.deepEqual(readLayout(null), DEFAULT_LAYOUT);
  assert.deepEqual(readLayout("{not json"), DEFAULT_LAYOUT);
  assert.deepEqual(readLayout('"a string"'), DEFAULT_LAYOUT);
  const stored = readLayout(JSON.stringify({ palette: { open: false, width: 5000 }, panel: { width: 10 }, minimap: false, problems: true }));
  assert.deepEqual(stored, {
    palette: { open: false, width: PALETTE_WIDTH.max },
    panel: { open: true, width: PANEL_WIDTH.min },
    minimap: false,
    problems: true,
  });
  assert.equal(readLayout(JSON.stringify({ panel: { width: "wide" } })).panel.width, PANEL_WIDTH.initial);
});

test("pipeline parameters are kept in the graph but not drawn on the canvas", () => {
  const { graph } = makeLinearCanvas();
  graph.nodes.push(makeParameterNode());
  const flow = toFlowNodes(graph);
  assert.deepEqual(
    flow.filter((n) => n.hidden).map((n) => n.type),
    ["prs-parameter"],
  );
  assert.deepEqual(toCanvas(flow, []).nodes, graph.nodes);
});
