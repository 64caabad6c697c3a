import { invalid } from "../errors";

const UNITS: Record<string, number> = { "": 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/**
 * Parses a tabular mini_batch_size: bytes as a number or "1024", or with a unit "1024KB", "10MB",
 * "1GB" (binary units, as Azure uses; case and a space before the unit are accepted).
 */
export function parseSize(value: string | number): number {
  const fail = () => invalid(`mini_batch_size '${String(value)}' is not a size: use bytes like 1024, 1024KB, 10MB or 1GB`);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 1) throw fail();
    return value;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?b)?\s*$/i.exec(value);
  if (!match) throw fail();
  const unit = UNITS[(match[2] ?? "").toUpperCase()] as number;
  if (unit === 1 && match[1]?.includes(".")) throw fail();
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw fail();
  return bytes;
}
