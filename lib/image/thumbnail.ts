import type { DecodedImage } from "./types";

/**
 * A thumbnail whose longer side is `size`: small images (MNIST's 28x28) are enlarged by whole
 * multiples with nearest-neighbour pixels (crisp, not blurred), large ones reduced by averaging
 * the source pixels each target pixel covers (no aliasing).
 */
export function thumbnail(image: DecodedImage, size: number): DecodedImage {
  const { width, height, channels, data } = image;
  const longer = Math.max(width, height);
  if (longer <= size) {
    const k = Math.max(1, Math.floor(size / longer));
    if (k === 1) return image;
    const out = new Uint8Array(width * k * height * k * channels);
    for (let y = 0; y < height * k; y++) {
      for (let x = 0; x < width * k; x++) {
        const from = (Math.floor(y / k) * width + Math.floor(x / k)) * channels;
        out.set(data.subarray(from, from + channels), (y * width * k + x) * channels);
      }
    }
    return { width: width * k, height: height * k, channels, data: out };
  }
  const w = Math.max(1, Math.round((width * size) / longer));
  const h = Math.max(1, Math.round((height * size) / longer));
  const out = new Uint8Array(w * h * channels);
  const sum = new Float64Array(channels);
  for (let ty = 0; ty < h; ty++) {
    const y0 = Math.floor((ty * height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / h));
    for (let tx = 0; tx < w; tx++) {
      const x0 = Math.floor((tx * width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / w));
      sum.fill(0);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < channels; c++) sum[c]! += data[(y * width + x) * channels + c]!;
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < channels; c++) out[(ty * w + tx) * channels + c] = Math.round(sum[c]! / n);
    }
  }
  return { width: w, height: h, channels, data: out };
}
