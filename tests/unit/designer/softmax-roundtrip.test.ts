import assert from "node:assert/strict";
import { test } from "node:test";
import { canvasToDefinition, definitionToCanvas } from "../../../lib/pipeline/canvas";
import { formatDefinition, parseDefinitionText } from "../../../lib/pipeline/definition-text";
import { edge, makeDatasetNode, makeOutputNode, makeStepNode } from "../pipeline/fixtures";

/** The step panel's softmax (auto | true | false) survives export and import in both formats. */
test("softmax true, false and auto go through export and import unchanged; left unset it is auto", () => {
  for (const softmax of [true, false, "auto", undefined] as const) {
    const input = makeDatasetNode();
    const step = makeStepNode("predict-digits", { scorer: { kind: "onnx-image-classifier", model: "mnist", ...(softmax === undefined ? {} : { softmax }) } });
    const output = makeOutputNode();
    const graph = { nodes: [input, step, output], edges: [edge(input, "data", step, "inputs"), edge(step, "output", output, "in")] };
    for (const format of ["yaml", "json"] as const) {
      const text = formatDefinition(canvasToDefinition(graph, { name: "softmax-roundtrip" }), format);
      if (softmax === false) assert.match(text, format === "yaml" ? /softmax: false/ : /"softmax": false/);
      const back = definitionToCanvas(parseDefinitionText(text, format));
      const scorer = back.nodes.find((n) => n.type === "step")!.data.parallelRunConfig.scorer as { softmax?: unknown };
      assert.equal(scorer.softmax ?? "auto", softmax ?? "auto", `${format}, softmax ${String(softmax)}`);
    }
  }
});
