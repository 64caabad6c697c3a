import { spawn } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * npm's own settings that may pass from the studio's environment to the npm it runs: the
 * registry and its credentials, cache, proxies and CA. Other npm_* variables (set when the studio
 * itself runs under `npm start` or `npm test`) describe the studio's project, not the environment's.
 */
const NPM_SETTINGS = new Set([
  "npm_config_registry",
  "npm_config_userconfig",
  "npm_config_globalconfig",
  "npm_config_cache",
  "npm_config_proxy",
  "npm_config_https_proxy",
  "npm_config_noproxy",
  "npm_config_strict_ssl",
  "npm_config_cafile",
  "npm_config_ca",
]);

/** The npm command line: the npm that came with this node, else `npm` on PATH. */
export function npmCommand(): { command: string; prefix: string[] } {
  const bundled = join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
  if (existsSync(bundled)) return { command: process.execPath, prefix: [bundled] };
  return { command: "npm", prefix: [] };
}

export function npmEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(source)) {
    if (/^npm_/i.test(name) && !NPM_SETTINGS.has(name.toLowerCase())) continue;
    env[name] = value;
  }
  // No update notices, funding or audit requests: the registry's package downloads only.
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

export interface NpmResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs npm in `cwd`, appending what it prints to `logPath` as it comes; `output` is the last 64 KB
 * (what an error is read from). A run longer than `timeoutMs` is killed.
 */
export function runNpm(args: string[], cwd: string, logPath: string, timeoutMs: number): Promise<NpmResult> {
  const { command, prefix } = npmCommand();
  appendFileSync(logPath, `$ npm ${args.join(" ")}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(/*turbopackIgnore: true*/ command, [...prefix, ...args], {
      cwd,
      env: npmEnvironment() as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const take = (chunk: Buffer) => {
      appendFileSync(logPath, chunk);
      output = (output + chunk.toString("utf8")).slice(-65_536);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const timer = setTimeout(() => {
      output += `\nnpm error npm ${args[0]} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      appendFileSync(logPath, `(npm exited with ${signal ?? `code ${code}`})\n`);
      resolve({ code, signal, output });
    });
  });
}
