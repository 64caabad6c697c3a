import { test } from "node:test";
import { PNG } from "pngjs";
import { decodeImage } from "../../../lib/image/decode";
import { preprocessInto } from "../../../lib/image/preprocess";
import { encodePng } from "../../../lib/image/png-encode";
import { loadMnist } from "../../../samples/mnist/idx";

/** Prints decode speed for MNIST digits as 28x28 gray PNGs (figures, no timed assertion). */
test("speed: decoding 28x28 grayscale PNGs", (t) => {
  const test = loadMnist("test");
  const pngs = Array.from({ length: 1000 }, (_, n) =>
    encodePng({ width: 28, height: 28, channels: 1, data: test.images.subarray(n * 784, (n + 1) * 784) }),
  );
  const buffers = pngs.map((png) => Buffer.from(png));
  let k = 0;
  const next = () => pngs[k++ % 1000]!;
  const out = new Float32Array(784);
  const spec = { width: 28, height: 28, color: "grayscale", order: "CHW", scale: 1 / 255 } as const;
  const rate = (label: string, fn: () => void) => {
    for (let i = 0; i < 2000; i++) fn();
    const n = 20000;
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    const perSecond = Math.round(n / ((performance.now() - start) / 1000));
    t.diagnostic(`${label}: ${perSecond.toLocaleString("en")} images/s on one core`);
  };
  rate("decodeImage (zlib + unfilter)", () => decodeImage(next(), "0.png"));
  rate("decodeImage + preprocess to NCHW float", () => preprocessInto(decodeImage(next(), "0.png"), spec, out, 0));
  rate("pngjs PNG.sync.read, for comparison", () => PNG.sync.read(buffers[k++ % 1000]!));
});
