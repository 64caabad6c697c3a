import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { misconfigured } from "../errors";

/**
 * The unprivileged user entry scripts run as when the studio runs as root (PRS_WORKER_USER,
 * default `nobody`). Such a worker reads what the machine lets any user read (the entry script
 * folder, model files, datastore files with the usual 0644/0755 modes), writes only the step
 * folders the agent hands it (`grantFolders`), and cannot open the data folder's database or
 * secret key (`protectDataFolder`: 0600, owned by the studio).
 */
export interface WorkerUser {
  name: string;
  uid: number;
  gid: number;
}

/** PRS_WORKER_USER values that keep workers as the studio's own user. */
const SAME_USER = new Set(["", "same"]);

/** A user of /etc/passwd by name (or a numeric uid), or undefined when there is none. */
export function lookupUser(nameOrUid: string, passwd: string): WorkerUser | undefined {
  for (const line of passwd.split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (!name || uid === undefined || gid === undefined) continue;
    if (name === nameOrUid || uid === nameOrUid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * Who worker processes run as: undefined when the studio is not root (it cannot switch users,
 * and its workers already have no more rights than it has) or when the setting is empty or
 * `same`; else the named user, which must exist and must not be root.
 */
export function resolveWorkerUser(
  setting: string | undefined,
  studioUid: number | undefined = process.getuid?.(),
  readPasswd: () => string = () => readFileSync("/etc/passwd", "utf8"),
): WorkerUser | undefined {
  if (studioUid !== 0) return undefined;
  const wanted = (setting ?? "nobody").trim();
  if (SAME_USER.has(wanted)) return undefined;
  const user = lookupUser(wanted, readPasswd());
  if (!user)
    throw misconfigured(
      `PRS_WORKER_USER '${wanted.slice(0, 64)}' is not a user of this machine (/etc/passwd): name an existing unprivileged user, or set PRS_WORKER_USER=same to run entry scripts as the studio's own user.`,
    );
  if (user.uid === 0)
    throw misconfigured(
      `PRS_WORKER_USER '${wanted.slice(0, 64)}' is root: name an unprivileged user, or set PRS_WORKER_USER=same to run entry scripts as root.`,
    );
  return user;
}

/** Files of the data folder no entry script may open: the SQLite database (with its journals) and the secret key. */
export function protectedDataFiles(dataDir: string, databaseUrl: string): string[] {
  const files = [join(dataDir, "secret.key")];
  if (databaseUrl.startsWith("file:")) {
    const db = resolve(databaseUrl.slice("file:".length).split("?")[0] ?? "");
    files.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`);
  }
  return files;
}

/**
 * At start: the database and key files are 0600 (SQLite gives its -wal and -shm files the
 * database's mode). With a worker user, the data folder becomes 0711: workers may pass through
 * it to their step folders, scripts and models, but not list it.
 */
export function protectDataFolder(dataDir: string, databaseUrl: string, user: WorkerUser | undefined): void {
  for (const file of protectedDataFiles(dataDir, databaseUrl)) if (existsSync(/*turbopackIgnore: true*/ file)) chmodSync(/*turbopackIgnore: true*/ file, 0o600);
  if (user && existsSync(/*turbopackIgnore: true*/ dataDir)) chmodSync(/*turbopackIgnore: true*/ dataDir, 0o711);
}

/** With a worker user: makes each folder (and any missing parent) and gives it to that user; the folders a worker writes. */
export function grantFolders(user: WorkerUser | undefined, folders: string[]): void {
  if (!user) return;
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true });
    chownSync(folder, user.uid, user.gid);
  }
}

/** Whether `user` may do `bits` (4 read, 2 write, 1 search) on a file with this stat, by its mode bits alone. */
function allows(st: { mode: number; uid: number; gid: number }, user: WorkerUser, bits: number): boolean {
  const shift = st.uid === user.uid ? 6 : st.gid === user.gid ? 3 : 0;
  return ((st.mode >> shift) & bits) === bits;
}

/**
 * Why the worker user cannot read `path` (a folder on the way it may not pass, or the file
 * itself), or undefined when it can: checked before the processes start so that a step fails
 * with a sentence naming the folder instead of an EACCES deep in the entry script's import.
 */
export function unreadableBy(user: WorkerUser | undefined, path: string): string | undefined {
  if (!user) return undefined;
  const target = resolve(path);
  const parents: string[] = [];
  for (let dir = dirname(target); ; dir = dirname(dir)) {
    parents.unshift(dir);
    if (dir === dirname(dir)) break;
  }
  for (const dir of parents) {
    const st = statSync(dir);
    if (!allows(st, user, 1)) return `the folder ${dir} (mode ${(st.mode & 0o777).toString(8)}) does not let ${user.name} pass`;
  }
  const st = statSync(target);
  const needs = st.isDirectory() ? 5 : 4;
  if (!allows(st, user, needs)) return `${target} (mode ${(st.mode & 0o777).toString(8)}) is not readable by ${user.name}`;
  return undefined;
}
