import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { AppError, invalid } from "../errors";
import { currentNodeMajor, type EnvironmentBuildSpec, lockedPackageNames } from "./definition";
import { npmErrorSentence } from "./npm-errors";
import { runNpm } from "./npm";

/** Written last into a built folder: a folder without it was never finished and is never used. */
const MARKER = ".prs-environment.json";
const DEFAULT_LIMIT_BYTES = 10 * 1024 ** 3;
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

export interface BuiltEnvironment {
  hash: string;
  /** The folder holding node_modules. */
  dir: string;
  /** This machine's log of the build that made it (or of the last failed try). */
  logPath: string;
  /** Whether this call built it (false: it was in the cache). */
  built: boolean;
}

interface Marker {
  hash: string;
  label: string;
  builtAt: string;
  sizeBytes: number;
}

export interface EnvironmentCacheOptions {
  /** Total size of built environments kept; the least recently used go first. */
  limitBytes?: number;
  /** Longest an `npm ci` may take. */
  timeoutMs?: number;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function folderSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * Built environments of one machine, content-addressed: `<root>/<hash>/node_modules`. A build
 * runs `npm ci` in a temporary folder renamed into place when complete (with its marker last), so
 * a build killed halfway leaves nothing usable. Builds of one hash are serialised across
 * processes by an exclusively created lock file naming the builder's pid (a dead builder's lock is
 * taken over). Processes using an environment hold an in-use file for it; eviction (least recently
 * used first, over the size limit) never removes an environment in use.
 */
export class EnvironmentCache {
  private readonly inflight = new Map<string, Promise<BuiltEnvironment>>();
  private readonly limitBytes: number;
  private readonly timeoutMs: number;

  constructor(
    readonly root: string,
    options: EnvironmentCacheOptions = {},
  ) {
    this.limitBytes = options.limitBytes ?? DEFAULT_LIMIT_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  folderOf(hash: string): string {
    return join(this.root, hash);
  }

  logOf(hash: string): string {
    return join(this.root, "logs", `${hash}.log`);
  }

  isBuilt(hash: string): boolean {
    return existsSync(join(this.folderOf(hash), MARKER));
  }

  /** Size of a built environment, when built. */
  sizeOf(hash: string): number | undefined {
    return this.marker(hash)?.sizeBytes;
  }

  /**
   * Marks the environment in use by this process until `release` is called: eviction skips it.
   * Taken before `ensure`, so that an environment found built is not evicted before it is used.
   */
  use(hash: string): () => void {
    const dir = join(this.root, ".in-use", hash);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${process.pid}-${randomBytes(6).toString("hex")}`);
    writeFileSync(file, String(process.pid));
    return () => rmSync(file, { force: true });
  }

  /** The built environment: from the cache (its use recorded for LRU) or built now. */
  ensure(spec: EnvironmentBuildSpec): Promise<BuiltEnvironment> {
    const hash = spec.contentHash;
    if (this.isBuilt(hash)) {
      this.touch(hash);
      return Promise.resolve({ hash, dir: this.folderOf(hash), logPath: this.logOf(hash), built: false });
    }
    let pending = this.inflight.get(hash);
    if (!pending) {
      pending = this.buildLocked(spec).finally(() => this.inflight.delete(hash));
      this.inflight.set(hash, pending);
    }
    return pending;
  }

  private async buildLocked(spec: EnvironmentBuildSpec): Promise<BuiltEnvironment> {
    const hash = spec.contentHash;
    const major = currentNodeMajor();
    if (spec.nodeMajor !== major)
      throw invalid(
        `environment ${spec.label} expects Node.js ${spec.nodeMajor}, and this machine runs Node.js ${major}: register a version for Node.js ${major}`,
      );
    mkdirSync(join(this.root, "logs"), { recursive: true });
    const lockPath = join(this.root, `.${hash}.lock`);
    for (;;) {
      if (this.isBuilt(hash)) {
        this.touch(hash);
        return { hash, dir: this.folderOf(hash), logPath: this.logOf(hash), built: false };
      }
      if (this.tryLock(lockPath)) break;
      await sleep(200);
    }
    try {
      // Another process may have finished it between the check and the lock.
      if (this.isBuilt(hash)) return { hash, dir: this.folderOf(hash), logPath: this.logOf(hash), built: false };
      await this.build(spec);
      this.touch(hash);
      this.evict(new Set([hash]));
      return { hash, dir: this.folderOf(hash), logPath: this.logOf(hash), built: true };
    } finally {
      rmSync(lockPath, { force: true });
    }
  }

  /** Creates the lock file exclusively; a lock left by a dead process (a killed build) is removed. */
  private tryLock(lockPath: string): boolean {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder = Number.NaN;
    let age = 0;
    try {
      holder = Number(readFileSync(lockPath, "utf8"));
      age = Date.now() - statSync(lockPath).mtimeMs;
    } catch {
      return false; // removed meanwhile: try again
    }
    // An empty lock is one being written this instant (or by a process killed right then, if old);
    // a dead holder's lock is stale.
    const stale = Number.isInteger(holder) && holder > 0 ? !alive(holder) : age > 10_000;
    if (stale) rmSync(lockPath, { force: true });
    return false;
  }

  private async build(spec: EnvironmentBuildSpec): Promise<void> {
    const hash = spec.contentHash;
    const logPath = this.logOf(hash);
    this.removeLeftovers(hash);
    const temp = join(this.root, `.build-${hash}-${process.pid}-${randomBytes(4).toString("hex")}`);
    mkdirSync(temp, { recursive: true });
    writeFileSync(logPath, `Building environment ${spec.label} (${hash}) with Node.js ${process.versions.node} on ${new Date().toISOString()}\n`);
    try {
      writeFileSync(join(temp, "package.json"), spec.packageJson);
      writeFileSync(join(temp, "package-lock.json"), spec.packageLock);
      const what = `building environment ${spec.label}`;
      // Install scripts run only for the packages the environment trusts (npm rebuild, below).
      const ci = await runNpm(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=warn"], temp, logPath, this.timeoutMs);
      if (ci.code !== 0) throw new AppError("script_error", `environment ${spec.label} could not be built: ${npmErrorSentence(ci.output, what)}`);
      const installed = lockedPackageNames(spec.packageLock);
      const trusted = spec.trustedScripts.filter((name) => installed.has(name));
      if (trusted.length > 0) {
        const rebuild = await runNpm(["rebuild", ...trusted, "--foreground-scripts", "--loglevel=warn"], temp, logPath, this.timeoutMs);
        if (rebuild.code !== 0) throw new AppError("script_error", `environment ${spec.label} could not be built: ${npmErrorSentence(rebuild.output, what)}`);
      }
      const marker: Marker = { hash, label: spec.label, builtAt: new Date().toISOString(), sizeBytes: folderSize(temp) };
      writeFileSync(join(temp, MARKER), JSON.stringify(marker));
      const size = marker.sizeBytes < 1024 ** 2 ? `${(marker.sizeBytes / 1024).toFixed(0)} KB` : `${(marker.sizeBytes / 1024 ** 2).toFixed(1)} MB`;
      writeFileSync(logPath, `Built: ${size}, moved into the cache as ${hash}\n`, { flag: "a" });
      renameSync(temp, this.folderOf(hash));
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      writeFileSync(logPath, `FAILED: ${(error as Error).message}\n`, { flag: "a" });
      throw error;
    }
  }

  /** Half-built folders of this hash left by a killed build (whose lock this process now holds). */
  private removeLeftovers(hash: string): void {
    for (const name of readdirSync(this.root)) {
      if (name.startsWith(`.build-${hash}-`) || name.startsWith(`.evict-${hash}-`)) rmSync(join(this.root, name), { recursive: true, force: true });
    }
    // A folder with the final name but no marker cannot come from a rename; remove it all the same.
    if (existsSync(this.folderOf(hash)) && !this.isBuilt(hash)) rmSync(this.folderOf(hash), { recursive: true, force: true });
  }

  private marker(hash: string): Marker | undefined {
    try {
      return JSON.parse(readFileSync(join(this.folderOf(hash), MARKER), "utf8")) as Marker;
    } catch {
      return undefined;
    }
  }

  /** The marker's mtime is the environment's last use. */
  private touch(hash: string): void {
    const now = new Date();
    try {
      utimesSync(join(this.folderOf(hash), MARKER), now, now);
    } catch {
      // Evicted meanwhile by another process: the caller's in-use file prevents that; nothing to do.
    }
  }

  private inUse(hash: string): boolean {
    const dir = join(this.root, ".in-use", hash);
    if (!existsSync(dir)) return false;
    let used = false;
    for (const name of readdirSync(dir)) {
      const pid = Number(name.split("-")[0]);
      if (alive(pid)) used = true;
      else rmSync(join(dir, name), { force: true });
    }
    return used;
  }

  /** Built environments, least recently used first. */
  list(): { hash: string; sizeBytes: number; lastUsed: number }[] {
    if (!existsSync(this.root)) return [];
    const out: { hash: string; sizeBytes: number; lastUsed: number }[] = [];
    for (const name of readdirSync(this.root)) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const marker = this.marker(name);
      if (!marker) continue;
      out.push({ hash: name, sizeBytes: marker.sizeBytes, lastUsed: statSync(join(this.folderOf(name), MARKER)).mtimeMs });
    }
    return out.sort((a, b) => a.lastUsed - b.lastUsed);
  }

  /**
   * Removes the least recently used environments until the cache fits its limit, skipping those
   * in `keep` and those a live process uses. Returns the hashes removed.
   */
  evict(keep: Set<string> = new Set()): string[] {
    const built = this.list();
    let total = built.reduce((sum, e) => sum + e.sizeBytes, 0);
    const removed: string[] = [];
    for (const env of built) {
      if (total <= this.limitBytes) break;
      if (keep.has(env.hash) || this.inUse(env.hash)) continue;
      // Renamed first: the folder disappears at once for every reader, then is deleted.
      const doomed = join(this.root, `.evict-${env.hash}-${process.pid}`);
      try {
        renameSync(this.folderOf(env.hash), doomed);
      } catch {
        continue;
      }
      rmSync(doomed, { recursive: true, force: true });
      total -= env.sizeBytes;
      removed.push(env.hash);
    }
    return removed;
  }
}
