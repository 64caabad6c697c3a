import { z } from "zod";
import { invalid } from "../../lib/errors";
import { parse, required } from "../args";
import { CliFailure, EXIT, print } from "../exit-codes";
import { configFile, type RemoteTarget, readLogin, remoteTarget, removeLogin, saveLogin, serverOrigin } from "../remote/config";
import { connect } from "../remote/connection";

export const help = `  prs login <url>                               sign in to a studio with an API token (asked for, or PRS_TOKEN); commands then use its API
  prs logout | prs whoami                       forget the stored login | who the commands act as (--local: the local data folder)`;

const CurrentUser = z.object({ user: z.object({ email: z.string(), role: z.string(), name: z.string().nullish() }) });
type CurrentUser = z.infer<typeof CurrentUser>["user"];

/** Reads the token without echoing it (a terminal), or the first line of stdin (a pipe). */
async function readToken(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = "";
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0]?.trim() ?? "";
  }
  process.stderr.write("API token (create one on your profile page): ");
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let token = "";
    const done = (value: string | Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (value instanceof Error) reject(value);
      else resolve(value.trim());
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done(token);
        if (ch === "\u0003") return done(invalid("login cancelled"));
        if (ch === "\u007f" || ch === "\b") token = token.slice(0, -1);
        else token += ch;
      }
    };
    stdin.on("data", onData);
    stdin.resume();
  });
}

/**
 * Who the token belongs to (GET /api/auth/me). A studio without sign-in (no such route) is
 * checked with another cheap GET instead, and the user is unknown.
 */
async function currentUser(target: RemoteTarget): Promise<CurrentUser | undefined> {
  const remote = connect(target);
  const res = await remote.fetch(`${target.server}/api/auth/me`, { headers: remote.headers });
  if (res.status === 404) {
    await remote.api.health();
    return undefined;
  }
  if (!res.ok) throw new CliFailure(`the studio at ${target.server} answered ${res.status} ${res.statusText} to /api/auth/me`, EXIT.unavailable);
  const body = CurrentUser.safeParse(await res.json().catch(() => undefined));
  if (!body.success) throw new CliFailure(`${target.server} does not answer like a Parallel Run Studio (GET /api/auth/me)`, EXIT.unavailable);
  return body.data.user;
}

const describeUser = (user: CurrentUser | undefined) => (user ? `${user.email} (${user.role})` : "a studio without sign-in");

export async function loginCommand(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {});
  const server = serverOrigin(required(positionals[0], "server address: prs login <url>"));
  const token = process.env.PRS_TOKEN?.trim() || (await readToken());
  if (!token) throw invalid("no token given: paste the API token from your profile page, or set PRS_TOKEN");
  if (/\s/.test(token)) throw invalid("the token contains spaces or line breaks: paste it as shown once on your profile page");
  const user = await currentUser({ server, token, source: "login" }).catch((error: unknown) => {
    if (!(error instanceof CliFailure) || error.exitCode !== EXIT.unauthenticated) throw error;
    const why = /\((.*)\): it may/.exec(error.message)?.[1] ?? "not a valid token";
    throw new CliFailure(
      `the studio at ${server} refused the token (${why}): copy it whole from your profile page, or create a new one there; nothing was stored`,
      EXIT.unauthenticated,
    );
  });
  const file = saveLogin({ server, token });
  print(`signed in to ${server} as ${describeUser(user)}; the login is kept in ${file} (readable only by you)`);
  return EXIT.ok;
}

export async function logoutCommand(): Promise<number> {
  const login = readLogin();
  if (!removeLogin()) {
    print("not signed in: nothing to forget");
    return EXIT.ok;
  }
  print(`signed out of ${login?.server ?? "the studio"} (removed ${configFile()}); the token stays valid until you revoke it on your profile page`);
  return EXIT.ok;
}

export async function whoamiCommand(local: boolean): Promise<number> {
  const target = remoteTarget(local);
  if (!target) {
    print("not signed in to a studio: commands work on the local data folder (prs login <url> to drive a server)");
    return EXIT.ok;
  }
  const user = await currentUser(target);
  print(`${describeUser(user)} on ${target.server} (${target.source === "environment" ? "PRS_SERVER and PRS_TOKEN" : configFile()})`);
  return EXIT.ok;
}
