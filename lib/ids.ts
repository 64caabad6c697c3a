import { randomBytes } from "node:crypto";

/** Public ids carry a prefix so that logs and URLs say what they point at. */
export type IdPrefix = "ds" | "dset" | "dsv" | "mdl" | "mdv" | "env" | "envv" | "pl" | "plv" | "run" | "step" | "mb" | "wrk" | "usr" | "tok" | "inv" | "aud";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

// Random bytes drawn in blocks: planning creates ids for many mini-batches at once.
let pool = Buffer.alloc(0);
let offset = 0;

export function newId(prefix: IdPrefix): string {
  if (offset + 14 > pool.length) {
    pool = randomBytes(14 * 512);
    offset = 0;
  }
  let out = "";
  for (let i = 0; i < 14; i++) out += alphabet[pool[offset + i]! % alphabet.length];
  offset += 14;
  return `${prefix}_${out}`;
}
