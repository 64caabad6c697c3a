import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../../../lib/errors";
import type { ModelSignature } from "../../../lib/onnx/types";
import { planImageInput } from "../../../lib/scorers/image-input";
import { parseImageClassifierSettings } from "../../../lib/scorers/settings";

const model = (
  shape: (number | string)[],
  type = "float32",
  outputs: ModelSignature["outputs"] = [{ name: "scores", type: "float32", shape: ["N", 10] }],
): ModelSignature => ({
  inputs: [{ name: "x", type, shape }],
  outputs,
});
const settings = (overrides: Record<string, unknown> = {}) =>
  parseImageClassifierSettings({ kind: "onnx-image-classifier", model: "m", modelPath: "/m.onnx", ...overrides });

function refused(signature: ModelSignature, overrides: Record<string, unknown> = {}): string {
  try {
    planImageInput(signature, settings(overrides));
  } catch (error) {
    assert.ok(error instanceof AppError);
    return error.message;
  }
  return assert.fail("plan accepted");
}

test("auto layout, colour and size come from the input shape", () => {
  const nchw = planImageInput(model(["N", 3, 224, 224]), settings());
  assert.deepEqual(nchw.preprocess, { width: 224, height: 224, color: "rgb", order: "CHW", scale: 1 / 255, mean: undefined, std: undefined });
  assert.deepEqual(nchw.dims(5), [5, 3, 224, 224]);
  const nhwc = planImageInput(model(["batch", 32, 48, 1]), settings());
  assert.deepEqual([nhwc.preprocess.color, nhwc.preprocess.width, nhwc.preprocess.height, nhwc.preprocess.order], ["grayscale", 48, 32, "HWC"]);
  assert.deepEqual(nhwc.dims(2), [2, 32, 48, 1]);
  const plane = planImageInput(model(["N", 28, 28]), settings());
  assert.deepEqual(plane.dims(4), [4, 28, 28]);
  assert.equal(planImageInput(model([1, 1, 28, 28]), settings()).fixedBatch, 1);
});

test("flattened inputs: square gray or RGB by size, or the given width and height", () => {
  const gray = planImageInput(model(["N", 784]), settings());
  assert.deepEqual([gray.preprocess.color, gray.preprocess.width, gray.dims(3)], ["grayscale", 28, [3, 784]]);
  const rgb = planImageInput(model(["N", 2352]), settings());
  assert.deepEqual([rgb.preprocess.color, rgb.preprocess.width, rgb.preprocess.order], ["rgb", 28, "HWC"]);
  const wide = planImageInput(model(["N", 540]), settings({ width: 30, layout: "NCHW", color: "rgb" }));
  assert.deepEqual([wide.preprocess.width, wide.preprocess.height, wide.preprocess.order], [30, 6, "CHW"]);
  assert.match(refused(model(["N", 1000])), /'x' \[N,1000\] float32 takes 1000 values per image, which does not fit a square image with color 'auto'/);
});

test("symbolic sizes need settings; explicit ones are used", () => {
  assert.match(refused(model(["N", 3, "H", "W"])), /'x' \[N,3,H,W\] float32 has a symbolic height; set height/);
  const sized = planImageInput(model(["N", 3, "H", "W"]), settings({ width: 64, height: 48 }));
  assert.deepEqual(sized.dims(1), [1, 3, 48, 64]);
  assert.match(refused(model(["N", "C", "H", "W"])), /the layout cannot be read from the shape.*set layout to NCHW or NHWC/);
  assert.match(refused(model(["N", "C", 8, 8]), { layout: "NCHW" }), /symbolic channel axis; set color/);
});

test("what the classifier cannot feed is refused with input, shape and setting", () => {
  assert.match(
    refused(model(["N", 3, 28, 28]), { color: "grayscale" }),
    /^model input 'x' \[N,3,28,28\] float32 takes 3 channels \(NCHW\) but color is 'grayscale' \(1 channel\); set color to 'rgb' or 'auto'$/,
  );
  assert.match(refused(model(["N", 28, 28, 3]), { layout: "NCHW" }), /'x' \[N,28,28,3\] float32 has 28 channels at axis 1 for layout NCHW/);
  assert.match(refused(model(["N", 1, 2, 28, 28])), /has rank 5; the image classifier feeds \[N,C,H,W\], \[N,H,W,C\], \[N,H,W\] or flattened/);
  assert.match(refused(model(["N", 1, 28, 28], "uint8")), /'x' \[N,1,28,28\] uint8 has element type uint8; the image classifier feeds float32/);
  assert.match(refused(model(["N", 28, 28]), { color: "rgb" }), /no channel axis \(grayscale \[N,H,W\]\) but color is 'rgb'/);
  assert.match(
    refused(model(["N", 1, 28, 28], "float32", [{ name: "label", type: "int64", shape: ["N"] }])),
    /model output 'label' \[N\] int64 is not class scores/,
  );
  assert.match(refused(model(["N", 1, 28, 28]), { outputName: "logits" }), /no output named 'logits'; its outputs are 'scores' \[N,10\] float32/);
  const twoInputs: ModelSignature = {
    ...model(["N", 784]),
    inputs: [
      { name: "a", type: "float32", shape: ["N", 784] },
      { name: "b", type: "float32", shape: ["N", 1] },
    ],
  };
  assert.match(
    refused(twoInputs, { inputName: "a" }),
    /the model has 2 inputs \('a' \[N,784\] float32, 'b' \[N,1\] float32\); the image classifier feeds exactly one/,
  );
});
