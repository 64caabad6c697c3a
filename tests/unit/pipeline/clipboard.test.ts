import assert from "node:assert/strict";
import { test } from "node:test";
import { copySelection, pasteFragment } from "../../../lib/pipeline/clipboard";
import { designerProblems } from "../../../lib/pipeline/validate";
import { makeLinearCanvas } from "./fixtures";

test("copy/paste duplicates nodes and the edges between them, with unique step names", () => {
  const { graph, dataset, step } = makeLinearCanvas();
  const fragment = copySelection(graph, new Set([dataset.id, step.id]));
  assert.equal(fragment.edges.length, 1, "only edges inside the selection are copied");
  let n = 0;
  const { graph: pasted, pastedIds } = pasteFragment(graph, fragment, (t) => `${t}-new-${++n}`);
  assert.equal(pasted.nodes.length, 5);
  assert.equal(pastedIds.length, 2);
  const copy = pasted.nodes.find((x) => x.id === pastedIds[1]);
  assert.equal(copy?.type === "step" && copy.data.name, "predict-digits-copy");
  assert.deepEqual(pasted.edges.at(-1), {
    id: "e-dataset-new-1-step-new-2-inputs",
    source: "dataset-new-1",
    sourceHandle: "data",
    target: "step-new-2",
    targetHandle: "inputs",
  });
  assert.equal(designerProblems(pasted, { name: "p" }).filter((p) => /used twice/.test(p.message)).length, 0);
  const again = pasteFragment(pasted, fragment, (t) => `${t}-again-${++n}`);
  assert.ok(again.graph.nodes.some((x) => x.type === "step" && x.data.name === "predict-digits-copy2"));
});
