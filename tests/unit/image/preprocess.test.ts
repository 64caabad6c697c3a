import assert from "node:assert/strict";
import { test } from "node:test";
import { preprocessInto, resizeBilinear, toColor, valuesPerImage, type PreprocessSpec } from "../../../lib/image/preprocess";
import type { DecodedImage } from "../../../lib/image/types";

const rgb2x1: DecodedImage = { width: 2, height: 1, channels: 3, data: Uint8Array.of(255, 0, 0, 0, 0, 255) };

test("colour conversion: RGB to luma, gray to RGB, alpha dropped", () => {
  assert.deepEqual(Array.from(toColor(rgb2x1, "grayscale").data), [76, 29]);
  const gray: DecodedImage = { width: 2, height: 1, channels: 1, data: Uint8Array.of(7, 9) };
  assert.deepEqual(Array.from(toColor(gray, "rgb").data), [7, 7, 7, 9, 9, 9]);
  const grayAlpha: DecodedImage = { width: 1, height: 1, channels: 2, data: Uint8Array.of(50, 0) };
  assert.deepEqual(Array.from(toColor(grayAlpha, "grayscale").data), [50]);
  const rgba: DecodedImage = { width: 1, height: 1, channels: 4, data: Uint8Array.of(1, 2, 3, 4) };
  assert.deepEqual(Array.from(toColor(rgba, "rgb").data), [1, 2, 3]);
  assert.equal(toColor(gray, "grayscale"), gray, "no copy when nothing changes");
});

test("bilinear resize uses half-pixel centres", () => {
  const up = resizeBilinear({ width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 100) }, 4, 1);
  assert.deepEqual(Array.from(up.data), [0, 25, 75, 100]);
  const down = resizeBilinear({ width: 4, height: 4, channels: 1, data: Uint8Array.from({ length: 16 }, (_, i) => i * 10) }, 2, 2);
  assert.deepEqual(Array.from(down.data), [25, 45, 105, 125]);
});

test("NCHW writes planes, NHWC interleaves; scale, mean and std per channel", () => {
  const base: PreprocessSpec = { width: 2, height: 1, color: "rgb", order: "CHW", scale: 1 / 255 };
  const out = new Float32Array(1 + valuesPerImage(base));
  preprocessInto(rgb2x1, base, out, 1);
  assert.deepEqual(Array.from(out), [0, 1, 0, 0, 0, 0, 1]);
  const hwc = new Float32Array(6);
  preprocessInto(rgb2x1, { ...base, order: "HWC", scale: 1, mean: [255, 0, 100], std: [1, 1, 2] }, hwc, 0);
  assert.deepEqual(Array.from(hwc), [0, 0, -50, -255, 0, 77.5]);
  const raw = new Float32Array(2);
  preprocessInto(rgb2x1, { ...base, color: "grayscale", scale: 1 }, raw, 0);
  assert.deepEqual(Array.from(raw), [76, 29]);
});

test("images of another size are resized to the model's", () => {
  const big: DecodedImage = { width: 56, height: 56, channels: 1, data: new Uint8Array(56 * 56).fill(255) };
  const out = new Float32Array(28 * 28);
  preprocessInto(big, { width: 28, height: 28, color: "grayscale", order: "CHW", scale: 1 / 255 }, out, 0);
  assert.ok(out.every((v) => v === 1));
});
