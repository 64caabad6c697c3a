import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteHandle {
  connectionString: string;
  /** http://127.0.0.1:<port>/devstoreaccount1 */
  accountUrl: string;
  accountName: string;
  accountKey: string;
  stop(): Promise<void>;
}

const serverScript = fileURLToPath(new URL("../../node_modules/azurite/dist/src/blob/main.js", import.meta.url));

/**
 * Starts a private Azurite blob server on 127.0.0.1 on a free port with a temporary workspace,
 * and resolves once it listens. stop() ends it and removes the workspace.
 */
export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<AzuriteHandle> {
  const location = await mkdtemp(join(tmpdir(), "azurite-"));
  const child = spawn(
    process.execPath,
    [serverScript, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", location, "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${options.timeoutMs ?? 20000} ms:\n${output}`)), options.timeoutMs ?? 20000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before listening:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    child.kill("SIGKILL");
    await rm(location, { recursive: true, force: true });
    throw error;
  });
  child.stdout.resume();
  child.stderr.resume();

  const accountUrl = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${accountUrl};`,
    accountUrl,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(killer);
      }
      await rm(location, { recursive: true, force: true });
    },
  };
}
