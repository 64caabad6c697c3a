import assert from "node:assert/strict";
import { test } from "node:test";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { AppError } from "../../../lib/errors";
import { decodeImage } from "../../../lib/image/decode";
import { encodePng } from "../../../lib/image/png-encode";
import { pattern, pngjsEncode, rawPng } from "./png-fixtures";

const W = 13;
const H = 9;

/** The reference: pngjs's RGBA reading of the same bytes, narrowed to `channels`. */
function referencePixels(bytes: Uint8Array, channels: number): number[] {
  const rgba = PNG.sync.read(Buffer.from(bytes)).data;
  const out: number[] = [];
  for (let p = 0; p < rgba.length; p += 4) {
    if (channels === 1) out.push(rgba[p]!);
    else if (channels === 2) out.push(rgba[p]!, rgba[p + 3]!);
    else for (let c = 0; c < channels; c++) out.push(rgba[p + c]!);
  }
  return out;
}

test("8-bit gray, gray+alpha, RGB and RGBA PNGs decode like pngjs (all filter types)", () => {
  const rgba = pattern(W, H);
  for (const [colorType, channels] of [
    [0, 1],
    [4, 2],
    [2, 3],
    [6, 4],
  ] as const) {
    const bytes = pngjsEncode(W, H, rgba, colorType);
    const image = decodeImage(bytes, `c${colorType}.png`);
    assert.equal(image.channels, channels);
    assert.deepEqual([image.width, image.height], [W, H]);
    assert.deepEqual(Array.from(image.data), referencePixels(bytes, channels), `colour type ${colorType}`);
  }
});

test("our own encoder round-trips", () => {
  const data = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 7) & 255);
  const image = decodeImage(encodePng({ width: 28, height: 28, channels: 1, data }), "0.png");
  assert.deepEqual(image, { width: 28, height: 28, channels: 1, data });
});

test("palette PNGs expand to RGB, or RGBA with tRNS", () => {
  const palette = [255, 0, 0, 0, 255, 0, 0, 0, 255];
  const scanlines = [0, 0, 1, 2, 0, 2, 2, 0];
  const rgb = decodeImage(rawPng({ width: 3, height: 2, bitDepth: 8, colorType: 3, palette, scanlines: [0, 0, 1, 2, 0, 2, 1, 0] }), "p.png");
  assert.equal(rgb.channels, 3);
  assert.deepEqual(Array.from(rgb.data), [255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0]);
  const rgba = decodeImage(rawPng({ width: 3, height: 2, bitDepth: 8, colorType: 3, palette, transparency: [0, 128], scanlines }), "t.png");
  assert.equal(rgba.channels, 4);
  assert.deepEqual(Array.from(rgba.data.subarray(0, 12)), [255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255]);
});

test("16-bit, 1-bit and interlaced PNGs decode through the pngjs fallback", () => {
  const rgba = pattern(W, H);
  const deep = pngjsEncode(W, H, rgba, 2, 16);
  const sixteen = decodeImage(deep, "deep.png");
  assert.equal(sixteen.channels, 4);
  assert.deepEqual(Array.from(sixteen.data), referencePixels(deep, 4));

  const oneBit = decodeImage(rawPng({ width: 8, height: 1, bitDepth: 1, colorType: 0, scanlines: [0, 0b10110000] }), "bits.png");
  assert.deepEqual(oneBit, { width: 8, height: 1, channels: 1, data: Uint8Array.of(255, 0, 255, 255, 0, 0, 0, 0) });

  // 2x2 Adam7: pass 1 holds (0,0), pass 6 holds (1,0), pass 7 holds row 1
  const interlaced = rawPng({ width: 2, height: 2, bitDepth: 8, colorType: 0, interlace: 1, scanlines: [0, 10, 0, 20, 0, 30, 40] });
  assert.deepEqual(Array.from(decodeImage(interlaced, "i.png").data), [10, 20, 30, 40]);
});

test("JPEGs decode to RGB close to the original", () => {
  const rgba = new Uint8Array(16 * 16 * 4).fill(200);
  const bytes = jpeg.encode({ width: 16, height: 16, data: rgba }, 95).data;
  const image = decodeImage(bytes, "photo.jpg");
  assert.equal(image.channels, 3);
  assert.ok(Math.abs(image.data[0]! - 200) <= 2);
});

function refusal(bytes: Uint8Array, name: string): string {
  try {
    decodeImage(bytes, name);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, "invalid_input");
    return error.message;
  }
  return assert.fail(`${name} decoded`);
}

test("bad files are refused with messages that name them", () => {
  const good = encodePng({ width: 28, height: 28, channels: 1, data: new Uint8Array(784).fill(9) });
  assert.equal(refusal(new TextEncoder().encode("hello, world\n"), "notes.txt"), "notes.txt: not a PNG or JPEG image");
  assert.equal(refusal(new Uint8Array(0), "empty.png"), "empty.png: not a PNG or JPEG image");
  assert.match(refusal(good.subarray(0, good.length - 30), "cut.png"), /^cut\.png: corrupt PNG: truncated file/);
  const flipped = Uint8Array.from(good);
  flipped[45] = flipped[45]! ^ 0xff;
  assert.match(refusal(flipped, "flip.png"), /^flip\.png: corrupt PNG: CRC mismatch in I\w+ chunk$/);
  assert.match(
    refusal(rawPng({ width: 4, height: 4, bitDepth: 8, colorType: 0, scanlines: [0, 1, 2, 3, 4] }), "short.png"),
    /^short\.png: corrupt PNG: image data is truncated/,
  );
  const notZlib = rawPng({ width: 2, height: 2, bitDepth: 8, colorType: 0, scanlines: [], idat: Uint8Array.of(1, 2, 3, 4, 5) });
  assert.match(refusal(notZlib, "zlib.png"), /^zlib\.png: corrupt PNG: bad compressed data \(/);
  assert.match(refusal(rawPng({ width: 1, height: 1, bitDepth: 8, colorType: 0, scanlines: [9, 1] }), "filter.png"), /unknown filter type 9/);
  assert.match(refusal(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3), "bad.jpg"), /^bad\.jpg: corrupt JPEG: /);
});
