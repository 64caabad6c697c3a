import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file under `dir`, as sorted paths relative to it. */
export function listTree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTree(path, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}
