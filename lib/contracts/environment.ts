import { z } from "zod";
import { boundedRecord, Description, ResourceName } from "./common";

/** A package.json or package-lock.json as text: a lock of a few hundred packages is well under this. */
export const MAX_ENVIRONMENT_FILE_CHARS = 4 * 1024 * 1024;

/** An npm package name (scoped or not), as npm accepts it. */
export const NpmPackageName = z
  .string()
  .max(214)
  .regex(/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/, "is not an npm package name (lower case, e.g. sharp or @scope/name)");

/** Node.js major versions an environment may ask for. */
export const NodeMajor = z.coerce.number().int().min(18).max(99);

/** What registering an environment takes: the two npm files, or dependencies to lock. */
export const RegisterEnvironmentRequest = z
  .object({
    name: ResourceName,
    description: Description.optional(),
    /** package.json text: its dependencies, with exact versions, are the environment. */
    packageJson: z.string().max(MAX_ENVIRONMENT_FILE_CHARS),
    /** package-lock.json text (lockfileVersion 2 or 3) matching packageJson. */
    packageLock: z.string().max(MAX_ENVIRONMENT_FILE_CHARS),
    /** Node.js major version the environment expects; default: the studio's. */
    nodeMajor: NodeMajor.optional(),
    /** Environment variables every process that uses it starts with (a step's own win). */
    variables: boundedRecord(z.string().max(4096)).default({}),
    /** Packages whose install scripts may run (e.g. sharp); every other package installs without scripts. */
    trustedScripts: z.array(NpmPackageName).max(100).default([]),
  })
  .strict();
export type RegisterEnvironmentRequest = z.input<typeof RegisterEnvironmentRequest>;

/** Dependencies (name -> version or range) the studio turns into an exact package.json and its lock. */
export const LockEnvironmentRequest = z
  .object({
    dependencies: boundedRecord(z.string().min(1).max(256)).refine((d) => Object.keys(d).length > 0, { message: "add at least one dependency" }),
  })
  .strict();
export type LockEnvironmentRequest = z.infer<typeof LockEnvironmentRequest>;

export const LockedEnvironmentJson = z.object({
  packageJson: z.string(),
  packageLock: z.string(),
  /** Exact versions chosen, by package name. */
  dependencies: z.record(z.string(), z.string()),
});
export type LockedEnvironmentJson = z.infer<typeof LockedEnvironmentJson>;

/** How far this machine's cache is with one environment. */
export const EnvironmentBuildState = z.enum(["built", "not built", "failed"]);
export type EnvironmentBuildState = z.infer<typeof EnvironmentBuildState>;

export const EnvironmentJson = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number(),
  description: z.string().optional(),
  nodeMajor: z.number(),
  /** The direct dependencies with their exact versions. */
  dependencies: z.record(z.string(), z.string()),
  /** Every package the lock installs (direct and transitive). */
  packageCount: z.number(),
  variables: z.record(z.string(), z.string()),
  trustedScripts: z.array(z.string()),
  contentHash: z.string(),
  build: z.object({ state: EnvironmentBuildState, sizeBytes: z.number().optional(), message: z.string().optional() }),
  createdAt: z.string(),
});
export type EnvironmentJson = z.infer<typeof EnvironmentJson>;

export const EnvironmentDetailJson = EnvironmentJson.extend({
  packageJson: z.string(),
  packageLock: z.string(),
  /** The last build's log on this machine, when there was one. */
  buildLog: z.string().optional(),
});
export type EnvironmentDetailJson = z.infer<typeof EnvironmentDetailJson>;
