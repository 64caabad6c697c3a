import type { DecodedImage } from "./types";

export type ColorMode = "grayscale" | "rgb";
/** Order of one image's values: planes (CHW, for NCHW inputs) or interleaved pixels (HWC). */
export type PixelOrder = "CHW" | "HWC";

export interface PreprocessSpec {
  width: number;
  height: number;
  color: ColorMode;
  order: PixelOrder;
  /** Multiplier applied to 0..255 samples before mean/std (1/255 gives 0..1). */
  scale: number;
  /** Per channel (or one value for all): value = (sample * scale - mean) / std. */
  mean?: number[];
  std?: number[];
}

/** A decoded image whose samples may be fractional after resizing. */
export interface PixelBuffer {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Float32Array;
}

export const channelsOf = (color: ColorMode): 1 | 3 => (color === "grayscale" ? 1 : 3);

/** Values one preprocessed image occupies in the input tensor. */
export const valuesPerImage = (spec: PreprocessSpec): number => spec.width * spec.height * channelsOf(spec.color);

/**
 * Converts, resizes and normalises `image`, writing `valuesPerImage(spec)` floats into `out`
 * starting at `offset` (one slot of a batch tensor).
 */
export function preprocessInto(image: DecodedImage, spec: PreprocessSpec, out: Float32Array, offset: number): void {
  const colored = toColor(image, spec.color);
  const sized = colored.width === spec.width && colored.height === spec.height ? colored : resizeBilinear(colored, spec.width, spec.height);
  writeNormalized(sized, spec, out, offset);
}

/**
 * To 1 (grayscale, ITU-R 601 luma as PIL's "L") or 3 channels (RGB). Alpha is dropped: images
 * are classified by their colour values, as PIL's convert() does.
 */
export function toColor(image: DecodedImage, color: ColorMode): DecodedImage {
  const { width, height, channels, data } = image;
  const target = channelsOf(color);
  if (channels === target) return image;
  const pixels = width * height;
  const out = new Uint8Array(pixels * target);
  if (target === 1) {
    if (channels === 2) {
      for (let p = 0; p < pixels; p++) out[p] = data[p * 2]!;
    } else {
      for (let p = 0, s = 0; p < pixels; p++, s += channels) {
        out[p] = Math.round(0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]!);
      }
    }
  } else if (channels <= 2) {
    for (let p = 0, s = 0, o = 0; p < pixels; p++, s += channels, o += 3) out[o] = out[o + 1] = out[o + 2] = data[s]!;
  } else {
    for (let p = 0, s = 0, o = 0; p < pixels; p++, s += 4, o += 3) {
      out[o] = data[s]!;
      out[o + 1] = data[s + 1]!;
      out[o + 2] = data[s + 2]!;
    }
  }
  return { width, height, channels: target, data: out };
}

/**
 * Bilinear resize with half-pixel centres (as OpenCV INTER_LINEAR and ONNX Resize
 * "half_pixel"); no antialiasing, so large reductions keep sharp edges but may alias.
 */
export function resizeBilinear(image: PixelBuffer, width: number, height: number): PixelBuffer {
  const { width: sw, height: sh, channels: c, data } = image;
  const out = new Float32Array(width * height * c);
  const sx = sw / width;
  const sy = sh / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const a = (y0 * sw + x0) * c;
      const b = (y0 * sw + x1) * c;
      const d = (y1 * sw + x0) * c;
      const e = (y1 * sw + x1) * c;
      const o = (y * width + x) * c;
      for (let k = 0; k < c; k++) {
        const top = data[a + k]! + (data[b + k]! - data[a + k]!) * wx;
        const bottom = data[d + k]! + (data[e + k]! - data[d + k]!) * wx;
        out[o + k] = top + (bottom - top) * wy;
      }
    }
  }
  return { width, height, channels: c, data: out };
}

function writeNormalized(image: PixelBuffer, spec: PreprocessSpec, out: Float32Array, offset: number): void {
  const { channels: c, data } = image;
  const pixels = image.width * image.height;
  const mul = new Float64Array(c);
  const add = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const mean = pick(spec.mean, k, 0);
    const std = pick(spec.std, k, 1);
    mul[k] = spec.scale / std;
    add[k] = -mean / std;
  }
  if (c === 1 || spec.order === "HWC") {
    for (let i = 0; i < pixels * c; i++) {
      const k = c === 1 ? 0 : i % c;
      out[offset + i] = data[i]! * mul[k]! + add[k]!;
    }
    return;
  }
  for (let k = 0; k < c; k++) {
    const plane = offset + k * pixels;
    const m = mul[k]!;
    const a = add[k]!;
    for (let p = 0; p < pixels; p++) out[plane + p] = data[p * c + k]! * m + a;
  }
}

const pick = (values: number[] | undefined, channel: number, fallback: number): number =>
  values === undefined || values.length === 0 ? fallback : values.length === 1 ? values[0]! : (values[channel] ?? fallback);
