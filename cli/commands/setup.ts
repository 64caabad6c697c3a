import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { appContext } from "../../lib/server/context";
import { ensureSample } from "../../samples/seed";
import { EXIT, print } from "../exit-codes";

export const help = `  prs setup                                     migrate the database and create the sample pipelines (MNIST; large digits in the background)`;

export async function setupCommand(): Promise<number> {
  const ctx = await appContext();
  await ensureSample(ctx, (l) => print(l));
  startLargeDigitsSample();
  print(`ready: data in ${ctx.env.dataDir}`);
  return EXIT.ok;
}

/**
 * The second sample needs its environment built by npm (sharp) and 10,000 photos written: done by
 * a background process so the start goes on. PRS_LARGE_DIGITS_SAMPLE=off leaves it out (tests).
 */
function startLargeDigitsSample(): void {
  if (process.env.PRS_LARGE_DIGITS_SAMPLE === "off") return;
  const main = fileURLToPath(new URL("../../samples/large-digits/seed-main.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", main], { detached: true, stdio: ["ignore", "inherit", "inherit"], env: process.env });
  child.unref();
  print("large-digits sample: building its environment and photos in the background");
}
