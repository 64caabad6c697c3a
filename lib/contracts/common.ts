import { z } from "zod";

/** A value bound to a pipeline parameter (Azure's PipelineParameter), resolved per submission. */
export const ParamRef = z.object({ param: z.string().min(1) }).strict();
export type ParamRef = z.infer<typeof ParamRef>;

export const bindable = <T extends z.ZodType>(schema: T) => z.union([ParamRef, schema]);

export function isParamRef(value: unknown): value is ParamRef {
  return typeof value === "object" && value !== null && "param" in value && Object.keys(value).length === 1;
}

const snakeToCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Accepts Azure's snake_case spelling (`mini_batch_size`) beside camelCase on one object level,
 * so definitions written for ParallelRunConfig read as they are.
 */
export function acceptSnakeCase<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[snakeToCamel(key)] = v;
    return out;
  }, schema);
}

/**
 * Length caps of the shared contracts: what the API, CLI and designer accept, so that no single
 * field (a 200 MB datastore root, say) is stored and then sent back on every listing.
 */
export const LIMITS = {
  name: 64,
  /** Short free text: experiment names, ids, delimiters, query filters. */
  text: 256,
  description: 2000,
  /** File paths, globs, roots, URLs. */
  path: 4096,
  secret: 8192,
  /** A pipeline definition as text (JSON/YAML) inside a JSON body capped at 1 MB. */
  definitionText: 512 * 1024,
  /** Elements of one list (paths, arguments, parameters, nodes). */
  items: 1000,
} as const;

export const ShortText = z.string().max(LIMITS.text);
export const Description = z.string().max(LIMITS.description);
export const PathText = z.string().max(LIMITS.path);

/** A record with at most `max` keys, each key at most LIMITS.name characters. */
export const boundedRecord = <V extends z.ZodType>(value: V, max = LIMITS.items) =>
  z.record(z.string().max(LIMITS.name), value).refine((r) => Object.keys(r).length <= max, { message: `at most ${max} entries` });

/** Names of registered things: letters, digits, `-`, `_`, `.`; no spaces or slashes. */
export const ResourceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit");

/** A registered resource by name, optionally pinned: "mnist" or "mnist:3". */
export const VersionedName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(:[1-9][0-9]*)?$/, "use name or name:version (e.g. mnist or mnist:2)");

export function parseVersionedName(value: string): { name: string; version?: number } {
  const [name, version] = value.split(":");
  return version ? { name: name!, version: Number(version) } : { name: name! };
}
