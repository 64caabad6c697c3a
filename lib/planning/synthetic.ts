import type { DatastoreEntry } from "../datastores/types";

/**
 * A listing of `count` made-up files in sorted order ("synthetic/0000000.png", ...), produced
 * lazily: for benchmarks and tests of planning at scale without touching a disk.
 */
export async function* syntheticListing(count: number, options: { prefix?: string; size?: number; extension?: string } = {}): AsyncGenerator<DatastoreEntry> {
  const prefix = options.prefix ?? "synthetic/";
  const size = options.size ?? 784;
  const extension = options.extension ?? ".png";
  const width = Math.max(1, String(Math.max(0, count - 1)).length);
  for (let i = 0; i < count; i++) yield { path: `${prefix}${String(i).padStart(width, "0")}${extension}`, size };
}
