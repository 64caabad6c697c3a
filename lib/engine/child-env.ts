import { dirname } from "node:path";

/**
 * The only variables of the studio's own environment a worker process inherits. Everything else
 * (DATABASE_URL, REDIS_URL, PRS_* settings, the secret key, cloud credentials, tokens) stays in
 * the studio: an entry script is user code and sees only what its step declares. The locale and
 * time zone keep formatting as the operator set it; TMPDIR, the proxy settings and extra CA
 * certificates are what a worker needs to reach its datastores (Azure Blob) from this machine.
 */
export const INHERITED_ENV_NAMES = [
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  "NODE_ENV",
  "TMPDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
] as const;

/** The system folders plus the folder of the node binary that runs the workers (so `node` resolves). */
export function minimalPath(nodeBinary: string = process.execPath): string {
  const system = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  const nodeDir = dirname(nodeBinary);
  return [nodeDir, ...system.filter((dir) => dir !== nodeDir)].join(":");
}

/**
 * A worker process's whole environment: the inherited names above when set, a minimal PATH, HOME
 * in a folder of the step, then the step's environment_variables (which may override any of them,
 * PATH and HOME included: the step declared them, so the script may see them).
 */
export function workerEnvironment(declared: Record<string, string>, home: string, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: minimalPath(), HOME: home };
  for (const name of INHERITED_ENV_NAMES) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...declared };
}
