import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { invalid } from "../errors";

/** Folders whose content is the system's: never a datastore, nor anything inside them. */
const SYSTEM_FOLDERS = ["/etc", "/proc", "/sys", "/dev", "/boot", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/var/lib", "/var/run", "/run"];
/** Home folders: a project inside one is fine, the whole of one is not. */
const HOME_FOLDERS = ["/root", "/home"];

const inside = (path: string, folder: string) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);

/**
 * The path with symbolic links resolved as far as it exists: the real path of its deepest existing
 * ancestor, with the missing rest appended (a root need not exist yet).
 */
export function realPathOf(path: string): string {
  let existing = resolve(path);
  const missing: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

export interface LocalRootRule {
  /** Folders local datastores may point into (PRS_LOCAL_ROOTS and the data folder's datastore area). */
  allowedRoots: readonly string[];
  /** The data folder: its database and key file are never inside a datastore. */
  dataDir: string;
}

/**
 * Refuses a local datastore root outside every allowed root, `/`, a system folder (or one that
 * holds one), a whole home folder, or one holding the data folder. The message names the allowed roots.
 */
export function checkLocalRoot(root: string, rule: LocalRootRule): void {
  const real = realPathOf(root);
  const allowed = rule.allowedRoots.map(realPathOf);
  const named = rule.allowedRoots.join(":");
  const refuse = (why: string) => invalid(`local datastore root '${root}' ${why} (${named}); set PRS_LOCAL_ROOTS to allow another folder`);
  if (real === sep) throw refuse("is the whole file system: it is never allowed, whatever the allowed roots");
  const system = [...SYSTEM_FOLDERS.filter((folder) => inside(real, folder) || inside(folder, real)), ...HOME_FOLDERS.filter((folder) => real === folder)];
  if (system.length > 0) throw refuse(`is or holds the system folder ${system[0]}: it is never allowed, whatever the allowed roots`);
  if (inside(realPathOf(rule.dataDir), real))
    throw refuse("holds the data folder (its database and secret key): it is never allowed, whatever the allowed roots");
  if (!allowed.some((folder) => inside(real, folder))) throw refuse("is outside the allowed roots");
}
