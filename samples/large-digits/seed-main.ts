/**
 * `prs setup` starts this in the background: the large-digits sample (its environment's npm
 * build and 10,000 photos) is made while the studio starts, never holding the start up.
 */
import { setPriority } from "node:os";
import { errorMessage } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { ensureLargeDigitsSample } from "./seed";

const say = (line: string) => process.stdout.write(`[large-digits sample] ${line}\n`);
try {
  setPriority(19); // behind the web server and the worker pool
} catch {
  // not permitted: runs at normal priority
}
try {
  const ctx = await appContext();
  if (await ensureLargeDigitsSample(ctx, say)) say("ready");
  await ctx.db.$disconnect();
} catch (error) {
  say(`left out: ${errorMessage(error)}`);
}
process.exit(0);
