/** Decode speed on one core for the benchmark's PNG files: the product's decoder against pngjs. */
import { readFileSync } from "node:fs";
import { PNG } from "pngjs";
import { decodeImage } from "../../lib/image/decode";
import { preprocessInto } from "../../lib/image/preprocess";

export interface DecodeRates {
  decode: number;
  decodeAndPreprocess: number;
  pngjs: number;
}

/** Images per second, after a warm-up, for each way of turning a 28x28 gray PNG into pixels. */
export function measureDecode(files: string[], iterations = 20_000): DecodeRates {
  const pngs = files.slice(0, 1000).map((f) => readFileSync(f));
  if (pngs.length === 0) throw new Error("no PNG files to decode");
  let k = 0;
  const next = () => pngs[k++ % pngs.length]!;
  const out = new Float32Array(784);
  const spec = { width: 28, height: 28, color: "grayscale", order: "CHW", scale: 1 / 255 } as const;
  const rate = (fn: () => void) => {
    for (let i = 0; i < iterations / 10; i++) fn();
    const start = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    return Math.round(iterations / ((performance.now() - start) / 1000));
  };
  return {
    decode: rate(() => decodeImage(next(), "0.png")),
    decodeAndPreprocess: rate(() => preprocessInto(decodeImage(next(), "0.png"), spec, out, 0)),
    pngjs: rate(() => PNG.sync.read(next())),
  };
}
