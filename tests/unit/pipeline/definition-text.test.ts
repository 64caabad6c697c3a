import assert from "node:assert/strict";
import { test } from "node:test";
import YAML from "yaml";
import { AppError } from "../../../lib/errors";
import { canvasToDefinition, definitionToCanvas } from "../../../lib/pipeline/canvas";
import { formatDefinition, parseDefinitionText } from "../../../lib/pipeline/definition-text";
import { makeLinearCanvas, makeParameterNode } from "./fixtures";

const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AppError);
    return e.message;
  }
  assert.fail("expected an error");
};

test("export writes Azure's snake_case, keeps descriptions and environment variable names, and reads back the same", () => {
  const { graph, step } = makeLinearCanvas();
  step.data.description = "Scores the digits";
  Object.assign(step.data.parallelRunConfig, { environmentVariables: { MY_FLAG: "1", lowerCamel: "x" }, runInvocationTimeout: 60 });
  graph.nodes.push(makeParameterNode({ name: "batch_size_param", description: "files per mini-batch" }));
  step.data.parallelRunConfig.miniBatchSize = { param: "batch_size_param" };
  const def = canvasToDefinition(graph, { name: "digits", description: "MNIST batch scoring" });
  for (const format of ["json", "yaml"] as const) {
    const text = formatDefinition(def, format);
    type RawConfig = Record<string, unknown> & { scorer: Record<string, unknown>; environment_variables: Record<string, string> };
    type Raw = {
      description: string;
      parameters: { description: string }[];
      steps: (Record<string, unknown> & { description: string; parallel_run_config: RawConfig })[];
    };
    const raw = (format === "json" ? JSON.parse(text) : YAML.parse(text)) as Raw;
    assert.equal(raw.description, "MNIST batch scoring");
    assert.equal(raw.parameters[0]?.description, "files per mini-batch");
    const s = raw.steps[0]!;
    assert.equal(s.description, "Scores the digits");
    assert.ok("side_inputs" in s && "allow_reuse" in s && "parallel_run_config" in s, Object.keys(s).join());
    assert.deepEqual(s.parallel_run_config.mini_batch_size, { param: "batch_size_param" });
    assert.equal(s.parallel_run_config.run_invocation_timeout, 60);
    assert.equal(
      s.parallel_run_config.scorer.inference_batch_size ?? s.parallel_run_config.scorer.kind,
      s.parallel_run_config.scorer.inference_batch_size ?? "onnx-image-classifier",
    );
    assert.deepEqual(s.parallel_run_config.environment_variables, { MY_FLAG: "1", lowerCamel: "x" });
    assert.ok(!/[a-z][A-Z]/.test(JSON.stringify(Object.keys(s.parallel_run_config))), "no camelCase keys");
    const back = parseDefinitionText(text, format);
    assert.deepEqual(back, def);
    // And the canvas made from it keeps the step's description.
    const canvas = definitionToCanvas(back);
    const stepNode = canvas.nodes.find((n) => n.type === "step");
    assert.equal(stepNode?.type === "step" && stepNode.data.description, "Scores the digits");
  }
});

test("import errors name the field as the file spells it and say 'required'", () => {
  const snake = `name: p
steps:
  - name: score
    inputs: [{ dataset: mnist }]
    parallel_run_config:
      entry_script: score.mjs
      error_threshold: 1
      node_count: 1000000
`;
  const m = messageOf(() => parseDefinitionText(snake, "yaml"));
  assert.match(m, /steps\[0\]\.parallel_run_config\.output_action is required/);
  assert.match(m, /steps\[0\]\.parallel_run_config\.node_count: node_count must be a whole number <= 100/);
  const camel = JSON.stringify({
    name: "p",
    steps: [{ name: "score", inputs: [{ dataset: "mnist" }], parallelRunConfig: { entryScript: "s.mjs", outputAction: "append_row" } }],
  });
  assert.match(
    messageOf(() => parseDefinitionText(camel, "json")),
    /steps\[0\]\.parallelRunConfig\.errorThreshold is required/,
  );
  assert.match(
    messageOf(() => parseDefinitionText("name: p\n", "yaml")),
    /steps is required/,
  );
});
