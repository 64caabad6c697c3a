import { writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { encodePng } from "../../../lib/image/png-encode";
import type { MnistSet } from "../../../samples/mnist/idx";
import type { ResolvedImageClassifierSettings } from "../../../lib/scorers/types";

export type DigitFormat = "png" | "rgb-png" | "jpeg";

/** Writes test digits 0..count-1 as files; returns their paths in order. jpeg-js needs ~15 ms per JPEG. */
export async function writeDigits(set: MnistSet, dir: string, count: number, format: DigitFormat = "png"): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let n = 0; n < count; n++) {
    const gray = set.images.subarray(n * 784, (n + 1) * 784);
    const path = join(dir, `${n}.${format === "jpeg" ? "jpg" : "png"}`);
    writeFileSync(path, encodeDigit(gray, format));
    paths.push(path);
  }
  return paths;
}

function encodeDigit(gray: Uint8Array, format: DigitFormat): Uint8Array {
  if (format === "png") return encodePng({ width: 28, height: 28, channels: 1, data: gray });
  // a coloured copy: ink in orange-ish tones, so channels differ but their mean follows the digit
  const rgb = new Uint8Array(784 * 3);
  const rgba = new Uint8Array(784 * 4);
  for (let p = 0; p < 784; p++) {
    const g = gray[p]!;
    const r = Math.min(255, Math.round(g * 1.2));
    const b = 3 * g - r - g;
    rgb.set([r, g, Math.max(0, b)], p * 3);
    rgba.set([r, g, Math.max(0, b), 255], p * 4);
  }
  if (format === "rgb-png") return encodePng({ width: 28, height: 28, channels: 3, data: rgb });
  return jpeg.encode({ width: 28, height: 28, data: rgba }, 95).data;
}

/** Image classifier settings as the engine hands them over, with overrides. */
export function imageSettings(modelPath: string, overrides: Partial<ResolvedImageClassifierSettings> = {}): Record<string, unknown> {
  return { kind: "onnx-image-classifier", model: "mnist", modelPath, ...overrides };
}

export const DIGIT_LABELS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
