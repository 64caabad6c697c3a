import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { invalid, misconfigured } from "../../lib/errors";

/**
 * Where `prs login` keeps the server and its API token: $XDG_CONFIG_HOME/prs/config.json (else
 * ~/.config/prs/config.json), the folder 0700 and the file 0600, so only the user can read the
 * token. PRS_SERVER and PRS_TOKEN in the environment take the place of the file (CI, scripts).
 */

const StoredLogin = z.object({ server: z.string(), token: z.string() });
export type StoredLogin = z.infer<typeof StoredLogin>;

/** The environment variables read here (process.env by default). */
type Env = Record<string, string | undefined>;

/** A server to drive; `token` is absent only when PRS_SERVER is set without PRS_TOKEN. */
export interface RemoteTarget {
  server: string;
  token?: string;
  /** Where the target came from, for whoami and error messages. */
  source: "environment" | "login";
}

export function configFile(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "prs", "config.json");
}

/** "studio.example.com:3000" or "https://studio.example.com/" as the origin the API lives under. */
export function serverOrigin(value: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`'${value.slice(0, 200)}' is not a server address: give the studio's URL, such as https://studio.example.com or http://127.0.0.1:3000`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalid(`the server address must start with https:// or http://, got '${value.slice(0, 200)}'`);
  if (url.username || url.password) throw invalid("the server address must not hold a user name or password: the token is asked for separately");
  return url.origin;
}

export function readLogin(env: Env = process.env): StoredLogin | undefined {
  const file = configFile(env);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw misconfigured(`${file} is not valid JSON: run prs logout, then prs login again`);
  }
  const login = StoredLogin.safeParse(parsed);
  if (!login.success) throw misconfigured(`${file} does not hold a server and a token: run prs logout, then prs login again`);
  return login.data;
}

/** Writes the login with mode 0600 inside a 0700 folder (a temporary name renamed into place). */
export function saveLogin(login: StoredLogin, env: Env = process.env): string {
  const file = configFile(env);
  const dir = join(file, "..");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return file;
}

/** Removes the stored login; whether there was one. */
export function removeLogin(env: Env = process.env): boolean {
  const file = configFile(env);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

/**
 * The server commands go to: PRS_SERVER (with PRS_TOKEN) when set, else the stored login, else
 * none (the CLI works on the local data folder). `--local` always means none.
 */
export function remoteTarget(local: boolean, env: Env = process.env): RemoteTarget | undefined {
  if (local) return undefined;
  if (env.PRS_SERVER) return { server: serverOrigin(env.PRS_SERVER), token: env.PRS_TOKEN || undefined, source: "environment" };
  const login = readLogin(env);
  return login ? { server: login.server, token: login.token, source: "login" } : undefined;
}
