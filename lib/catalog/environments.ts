import { z } from "zod";
import { parseVersionedName, VersionedName } from "../contracts/common";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { invalid, notFound } from "../errors";
import type { EnvironmentBuildSpec } from "../environments/definition";

export interface EnvironmentVersionView {
  id: string;
  name: string;
  version: number;
  description?: string;
  packageJson: string;
  packageLock: string;
  nodeMajor: number;
  variables: Record<string, string>;
  trustedScripts: string[];
  contentHash: string;
  createdAt: Date;
}

type EnvironmentVersionRow = {
  id: string;
  version: number;
  description: string | null;
  packageJson: string;
  packageLock: string;
  nodeMajor: number;
  variables: string;
  trustedScripts: string;
  contentHash: string;
  createdAt: Date;
};

export const environmentVersionView = (name: string, row: EnvironmentVersionRow): EnvironmentVersionView => ({
  id: row.id,
  name,
  version: row.version,
  description: row.description ?? undefined,
  packageJson: row.packageJson,
  packageLock: row.packageLock,
  nodeMajor: row.nodeMajor,
  variables: parseColumn(z.record(z.string(), z.string()), row.variables, `Variables of environment ${name}:${row.version}`),
  trustedScripts: parseColumn(z.array(z.string()), row.trustedScripts, `Trusted scripts of environment ${name}:${row.version}`),
  contentHash: row.contentHash,
  createdAt: row.createdAt,
});

/** "imaging" (latest) or "imaging:2". */
export async function resolveEnvironment(db: Db, ref: string): Promise<EnvironmentVersionView> {
  if (!VersionedName.safeParse(ref).success)
    throw invalid(`'${ref.slice(0, 80)}' is not an environment name: use name or name:version (e.g. imaging or imaging:2)`);
  const { name, version } = parseVersionedName(ref);
  const environment = await db.environment.findUnique({ where: { name } });
  if (!environment) throw notFound(`Environment '${name}' is not registered (see \`prs environment list\`)`);
  const row = await db.environmentVersion.findFirst({
    where: { environmentId: environment.id, ...(version ? { version } : { archivedAt: null }) },
    orderBy: { version: "desc" },
  });
  if (!row) throw notFound(version ? `Environment '${name}' has no version ${version}` : `Environment '${name}' has no version left (all were deleted)`);
  if (row.archivedAt) throw notFound(`Environment '${name}:${version}' was deleted (archived: the runs that used it keep their history)`);
  return environmentVersionView(environment.name, row);
}

/** What the build cache needs of a registered version. */
export const buildSpecOf = (view: EnvironmentVersionView): EnvironmentBuildSpec => ({
  label: `${view.name}:${view.version}`,
  packageJson: view.packageJson,
  packageLock: view.packageLock,
  trustedScripts: view.trustedScripts,
  nodeMajor: view.nodeMajor,
  contentHash: view.contentHash,
});
