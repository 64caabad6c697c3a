import { inflateSync } from "node:zlib";
import { PNG } from "pngjs";
import { errorMessage, invalid } from "../errors";
import { crc32 } from "./crc32";
import type { DecodedImage } from "./types";

export const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

/** Images above this many pixels are refused rather than exhausting a worker's memory. */
const MAX_PIXELS = 100_000_000;

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

interface PngChunks {
  header: PngHeader;
  palette?: Uint8Array;
  transparency?: Uint8Array;
  data: Uint8Array[];
}

/** Samples per pixel of each PNG colour type (gray, RGB, palette, gray+alpha, RGBA). */
const CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/**
 * Decodes a PNG. Non-interlaced 8-bit images (the usual case) go through node:zlib and an
 * in-place unfilter; other bit depths and interlaced files go through pngjs.
 */
export function decodePng(bytes: Uint8Array, name: string): DecodedImage {
  try {
    const chunks = readChunks(bytes);
    const { header } = chunks;
    if (header.bitDepth === 8 && header.interlace === 0) return decodeFast(chunks);
    return decodeWithPngjs(bytes, header);
  } catch (error) {
    throw invalid(`${name}: corrupt PNG: ${errorMessage(error)}`);
  }
}

function readChunks(bytes: Uint8Array): PngChunks {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = PNG_SIGNATURE.length;
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  for (;;) {
    if (pos + 8 > bytes.length) throw new Error("truncated file (no IEND chunk)");
    const length = view.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    const end = pos + 12 + length;
    if (end > bytes.length) throw new Error(`truncated file (chunk ${type} needs ${length + 12} bytes, ${bytes.length - pos} left)`);
    const body = bytes.subarray(pos + 8, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== view.getUint32(pos + 8 + length)) {
      throw new Error(`CRC mismatch in ${type} chunk`);
    }
    if (!header && type !== "IHDR") throw new Error("first chunk is not IHDR");
    if (type === "IHDR") header = readHeader(body);
    else if (type === "PLTE") palette = body;
    else if (type === "tRNS") transparency = body;
    else if (type === "IDAT") data.push(body);
    else if (type === "IEND") break;
    pos = end;
  }
  if (!header) throw new Error("missing IHDR chunk");
  if (data.length === 0) throw new Error("no image data (IDAT chunk)");
  if (header.colorType === 3 && !palette) throw new Error("palette image without PLTE chunk");
  return { header, palette, transparency, data };
}

function readHeader(body: Uint8Array): PngHeader {
  if (body.length !== 13) throw new Error("IHDR chunk has the wrong length");
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const header = {
    width: view.getUint32(0),
    height: view.getUint32(4),
    bitDepth: body[8]!,
    colorType: body[9]!,
    interlace: body[12]!,
  };
  if (header.width === 0 || header.height === 0) throw new Error("image has zero width or height");
  if (header.width * header.height > MAX_PIXELS) throw new Error(`image too large (${header.width}x${header.height})`);
  if (!VALID_DEPTHS[header.colorType]?.includes(header.bitDepth)) {
    throw new Error(`unsupported colour type ${header.colorType} with bit depth ${header.bitDepth}`);
  }
  if (body[10] !== 0 || body[11] !== 0 || header.interlace > 1) throw new Error("unknown compression, filter or interlace method");
  return header;
}

function decodeFast({ header, palette, transparency, data }: PngChunks): DecodedImage {
  const { width, height, colorType } = header;
  const bpp = CHANNELS[colorType]!;
  const stride = width * bpp;
  const expected = height * (stride + 1);
  let raw: Uint8Array;
  try {
    raw = inflateSync(data.length === 1 ? data[0]! : Buffer.concat(data), { maxOutputLength: expected + 1 });
  } catch (error) {
    throw new Error(`bad compressed data (${errorMessage(error)})`);
  }
  if (raw.length < expected) throw new Error(`image data is truncated (${raw.length} of ${expected} bytes)`);
  const pixels = unfilter(raw, width, height, bpp);
  if (colorType === 3) return expandPalette(pixels, width, height, palette!, transparency);
  return { width, height, channels: bpp, data: pixels };
}

/** Reverses PNG's per-row filters (None, Sub, Up, Average, Paeth). */
export function unfilter(raw: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * stride);
  let src = 0;
  for (let y = 0; y < height; y++) {
    const filter = raw[src++]!;
    const row = y * stride;
    const up = row - stride;
    if (filter === 0 || (filter === 2 && y === 0)) {
      out.set(raw.subarray(src, src + stride), row);
    } else if (filter === 1) {
      for (let i = 0; i < stride; i++) out[row + i] = raw[src + i]! + (i >= bpp ? out[row + i - bpp]! : 0);
    } else if (filter === 2) {
      for (let i = 0; i < stride; i++) out[row + i] = raw[src + i]! + out[up + i]!;
    } else if (filter === 3) {
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? out[row + i - bpp]! : 0;
        const above = y > 0 ? out[up + i]! : 0;
        out[row + i] = raw[src + i]! + ((left + above) >> 1);
      }
    } else if (filter === 4) {
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? out[row + i - bpp]! : 0;
        const b = y > 0 ? out[up + i]! : 0;
        const c = i >= bpp && y > 0 ? out[up + i - bpp]! : 0;
        out[row + i] = raw[src + i]! + paeth(a, b, c);
      }
    } else {
      throw new Error(`unknown filter type ${filter} on row ${y}`);
    }
    src += stride;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function expandPalette(indices: Uint8Array, width: number, height: number, palette: Uint8Array, alpha?: Uint8Array): DecodedImage {
  const channels = alpha ? 4 : 3;
  const entries = Math.floor(palette.length / 3);
  const out = new Uint8Array(width * height * channels);
  for (let i = 0, o = 0; i < indices.length; i++, o += channels) {
    const index = indices[i]!;
    if (index >= entries) throw new Error(`palette index ${index} out of range (${entries} entries)`);
    out[o] = palette[index * 3]!;
    out[o + 1] = palette[index * 3 + 1]!;
    out[o + 2] = palette[index * 3 + 2]!;
    if (alpha) out[o + 3] = index < alpha.length ? alpha[index]! : 255;
  }
  return { width, height, channels, data: out };
}

/** pngjs returns 8-bit RGBA; gray images are narrowed back to their own channel count. */
function decodeWithPngjs(bytes: Uint8Array, header: PngHeader): DecodedImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  const { width, height } = png;
  if (header.colorType === 0 || header.colorType === 4) {
    const channels = header.colorType === 0 ? 1 : 2;
    const out = new Uint8Array(width * height * channels);
    for (let p = 0, o = 0; p < rgba.length; p += 4, o += channels) {
      out[o] = rgba[p]!;
      if (channels === 2) out[o + 1] = rgba[p + 3]!;
    }
    return { width, height, channels, data: out };
  }
  return { width, height, channels: 4, data: rgba };
}
