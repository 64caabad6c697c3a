import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type EnvironmentDetailJson, type EnvironmentJson, RegisterEnvironmentRequest } from "../contracts/environment";
import { buildSpecOf, type EnvironmentVersionView, environmentVersionView, resolveEnvironment } from "../catalog/environments";
import type { Db } from "../db/client";
import { allocatingVersion } from "../db/retry";
import { EnvironmentCache } from "../environments/cache";
import { environmentCache } from "../engine/environment";
import { checkEnvironmentFiles, currentNodeMajor, environmentContentHash } from "../environments/definition";
import { lockDependencies, type LockedFiles } from "../environments/lock";
import { invalid } from "../errors";
import { newId } from "../ids";

/** Where this machine builds environments: `<data>/environments`. */
export const environmentsDir = (dataDir: string) => join(dataDir, "environments");

export interface RegisteredEnvironment {
  view: EnvironmentVersionView;
  /** False when the latest version already had this exact content: that version is returned. */
  created: boolean;
}

/**
 * Registers an environment version from package.json and package-lock.json. The files are
 * checked (exact versions, a lock of exactly those); registering the content of the latest
 * version again returns that version instead of a copy.
 */
export async function registerEnvironment(db: Db, request: RegisterEnvironmentRequest): Promise<RegisteredEnvironment> {
  const parsed = RegisterEnvironmentRequest.safeParse(request);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`).join("; "));
  const input = parsed.data;
  checkEnvironmentFiles(input.packageJson, input.packageLock);
  const nodeMajor = input.nodeMajor ?? currentNodeMajor();
  const trustedScripts = [...new Set(input.trustedScripts)].sort();
  const contentHash = environmentContentHash(input.packageLock, trustedScripts, nodeMajor);
  const variables = JSON.stringify(input.variables);
  return allocatingVersion(`Environment '${input.name}'`, () =>
    db.$transaction(async (tx) => {
      // The upsert's update locks the row: concurrent registrations of a name take turns.
      const env = await tx.environment.upsert({ where: { name: input.name }, create: { id: newId("env"), name: input.name }, update: { name: input.name } });
      const last = await tx.environmentVersion.findFirst({ where: { environmentId: env.id }, orderBy: { version: "desc" } });
      if (
        last &&
        !last.archivedAt &&
        last.contentHash === contentHash &&
        last.variables === variables &&
        last.packageJson === input.packageJson &&
        (last.description ?? undefined) === input.description
      )
        return { view: environmentVersionView(env.name, last), created: false };
      const row = await tx.environmentVersion.create({
        data: {
          id: newId("envv"),
          environmentId: env.id,
          version: (last?.version ?? 0) + 1,
          description: input.description,
          packageJson: input.packageJson,
          packageLock: input.packageLock,
          nodeMajor,
          variables,
          trustedScripts: JSON.stringify(trustedScripts),
          contentHash,
        },
      });
      return { view: environmentVersionView(env.name, row), created: true };
    }),
  );
}

/** The latest version of every environment. */
export async function listEnvironments(db: Db): Promise<EnvironmentVersionView[]> {
  const envs = await db.environment.findMany({ where: { versions: { some: { archivedAt: null } } }, orderBy: { name: "asc" } });
  return Promise.all(envs.map((e) => resolveEnvironment(db, e.name)));
}

export { resolveEnvironment };

/** Turns dependencies typed in the browser into exact package.json and lock (npm against the registry). */
export function lockEnvironment(dependencies: Record<string, string>): Promise<LockedFiles> {
  return lockDependencies(dependencies);
}

/** What a user sees of a version: its packages and this machine's build of it. */
export function environmentJson(view: EnvironmentVersionView, dataDir: string): EnvironmentJson {
  const checked = checkEnvironmentFiles(view.packageJson, view.packageLock);
  const cache = new EnvironmentCache(environmentsDir(dataDir));
  const built = cache.isBuilt(view.contentHash);
  const failed = !built && existsSync(cache.logOf(view.contentHash)) ? lastFailure(cache.logOf(view.contentHash)) : undefined;
  return {
    id: view.id,
    name: view.name,
    version: view.version,
    description: view.description,
    nodeMajor: view.nodeMajor,
    dependencies: checked.dependencies,
    packageCount: checked.packageCount,
    variables: view.variables,
    trustedScripts: view.trustedScripts,
    contentHash: view.contentHash,
    build: built
      ? { state: "built", sizeBytes: cache.sizeOf(view.contentHash) }
      : failed
        ? { state: "failed", message: failed }
        : { state: "not built", message: "built on first use by a run" },
    createdAt: view.createdAt.toISOString(),
  };
}

export function environmentDetailJson(view: EnvironmentVersionView, dataDir: string): EnvironmentDetailJson {
  const cache = new EnvironmentCache(environmentsDir(dataDir));
  const log = cache.logOf(view.contentHash);
  return {
    ...environmentJson(view, dataDir),
    packageJson: view.packageJson,
    packageLock: view.packageLock,
    buildLog: existsSync(log) ? readFileSync(log, "utf8").slice(-200_000) : undefined,
  };
}

function lastFailure(logPath: string): string | undefined {
  const lines = readFileSync(logPath, "utf8").trimEnd().split("\n");
  const last = lines.at(-1) ?? "";
  return last.startsWith("FAILED: ") ? last.slice("FAILED: ".length) : undefined;
}

export { buildSpecOf };

/** Builds a version on this machine now (it is otherwise built on first use by a run). */
export async function buildEnvironment(db: Db, dataDir: string, ref: string, limitBytes?: number): Promise<{ label: string; dir: string; built: boolean }> {
  const view = await resolveEnvironment(db, ref);
  const spec = buildSpecOf(view);
  const built = await environmentCache(environmentsDir(dataDir), limitBytes).ensure(spec);
  return { label: spec.label, dir: built.dir, built: built.built };
}
