import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real, small tmpfs file system: it fills up (ENOSPC) and can be made read-only (EROFS), which
 * chmod cannot do for root. Mounting needs root (CI runs as root); elsewhere tests skip with
 * `tmpfsUnavailable()`'s reason.
 */
export interface Tmpfs {
  dir: string;
  /** Changes the size (grow it to "free space"). */
  resize(sizeKb: number): void;
  readOnly(readOnly: boolean): void;
  unmount(): void;
}

function mountAt(dir: string, sizeKb: number): void {
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k,mode=0755`, "tmpfs", dir], { stdio: "pipe" });
}

/** Mounts a tmpfs of `sizeKb` at `dir` (created when missing), or at a new folder under /tmp. */
export function mountTmpfs(sizeKb: number, dir = mkdtempSync(join(tmpdir(), "prs-a-tmpfs-"))): Tmpfs {
  mkdirSync(dir, { recursive: true });
  mountAt(dir, sizeKb);
  let mounted = true;
  return {
    dir,
    resize: (kb) => execFileSync("mount", ["-o", `remount,size=${kb}k`, dir], { stdio: "pipe" }),
    readOnly: (ro) => execFileSync("mount", ["-o", `remount,${ro ? "ro" : "rw"}`, dir], { stdio: "pipe" }),
    unmount() {
      if (!mounted) return;
      mounted = false;
      // Lazy: a worker process still exiting may hold a file open for a moment.
      execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let probed: string | false | undefined;

/** Why tmpfs tests cannot run here (not root, no mount permission), or false when they can. */
export function tmpfsUnavailable(): string | false {
  if (probed !== undefined) return probed;
  try {
    mountTmpfs(16).unmount();
    probed = false;
  } catch (error) {
    probed = `mounting a tmpfs is not permitted here (${(error as Error).message.split("\n")[0]}): full-disk and read-only tests skipped; they run as root, as CI does`;
  }
  return probed;
}
