import { deflateSync } from "node:zlib";
import { PNG } from "pngjs";
import { PNG_SIGNATURE } from "../../../lib/image/png-decode";

import { pngChunk as chunk } from "../../../lib/image/png-encode";

export { chunk };

export interface RawPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace?: number;
  /** Filtered scanlines (filter byte + packed samples per row), before compression. */
  scanlines: number[];
  palette?: number[];
  transparency?: number[];
  /** IDAT content as given, instead of the compressed scanlines. */
  idat?: Uint8Array;
}

/** A PNG assembled chunk by chunk, for formats the encoders at hand cannot write. */
export function rawPng(spec: RawPng): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, spec.width);
  view.setUint32(4, spec.height);
  header.set([spec.bitDepth, spec.colorType, 0, 0, spec.interlace ?? 0], 8);
  const parts = [PNG_SIGNATURE, chunk("IHDR", header)];
  if (spec.palette) parts.push(chunk("PLTE", Uint8Array.from(spec.palette)));
  if (spec.transparency) parts.push(chunk("tRNS", Uint8Array.from(spec.transparency)));
  parts.push(chunk("IDAT", spec.idat ?? deflateSync(Uint8Array.from(spec.scanlines))), chunk("IEND", new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** A pngjs-encoded PNG (adaptive filters: exercises Sub, Up, Average and Paeth). */
export function pngjsEncode(width: number, height: number, rgba: Uint8Array, colorType: 0 | 2 | 4 | 6, bitDepth: 8 | 16 = 8): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png, { colorType, bitDepth, inputHasAlpha: true });
}

/** A smooth, varied RGBA test pattern. */
export function pattern(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data[o] = (x * 37 + y * 11) & 255;
      data[o + 1] = (x * 5 + y * 53) & 255;
      data[o + 2] = (x * y * 7) & 255;
      data[o + 3] = 255 - ((x + y) & 127);
    }
  }
  return data;
}
