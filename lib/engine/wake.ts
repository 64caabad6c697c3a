import { type FSWatcher, mkdirSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Wake-up of the worker pools on this machine when a run becomes claimable (submit, resume), so a
 * pool starts it at once instead of at its next poll. The signal is a file in the data folder
 * that the pools watch (inotify on Linux): no socket, no port, any number of pools and servers on
 * the same data folder. Pools elsewhere (PostgreSQL shared by several machines) still find the run
 * by polling; so does a pool whose watch could not be set up.
 */
const WAKE_FOLDER = "wake";

/** Tells the pools watching `dataDir` that a run may be claimed. Never throws: polling covers a miss. */
export function wakePools(dataDir: string): void {
  try {
    writeFileSync(join(dataDir, WAKE_FOLDER, "queued"), String(Date.now()));
  } catch {
    // No pool has ever watched this data folder (the folder is missing), or it is not writable.
  }
}

/** Wait for the next wake-up or `ms`, whichever comes first; a wake-up that came meanwhile returns at once. */
export interface WakeSignal {
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
  /** Whether the file watch works (otherwise every wait is a plain poll). */
  readonly watching: boolean;
}

export function watchWakeUps(dataDir: string, onError: (error: Error) => void = () => {}): WakeSignal {
  let pending = false;
  let release: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  const fire = () => {
    pending = true;
    release?.();
  };
  try {
    const folder = join(dataDir, WAKE_FOLDER);
    mkdirSync(folder, { recursive: true });
    watcher = watch(folder, { persistent: false }, fire);
    watcher.on("error", (error) => {
      onError(error);
      watcher?.close();
      watcher = undefined;
    });
  } catch (error) {
    onError(error instanceof Error ? error : new Error(String(error)));
  }
  return {
    get watching() {
      return watcher !== undefined;
    },
    wait(ms, signal) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          release = undefined;
          pending = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        release = done;
        signal?.addEventListener("abort", done, { once: true });
      });
    },
    close() {
      watcher?.close();
      watcher = undefined;
      release?.();
    },
  };
}
