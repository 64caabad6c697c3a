/**
 * npm's error output in one sentence: what was wrong, in the words a user searches the registry
 * with. `output` is what npm printed (stdout and stderr); `what` names the command for the
 * fallback ("building environment imaging:2").
 */
export function npmErrorSentence(output: string, what: string): string {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("npm error") || l.startsWith("npm ERR!"))
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, ""));
  const code = /^code (\S+)/.exec(lines.find((l) => l.startsWith("code ")) ?? "")?.[1];
  const text = lines.join("\n");
  switch (code) {
    case "E404": {
      const spec = /'((?:@[^/\s']+\/)?[^@\s']+)@([^'\s]*)'/.exec(text) ?? /GET \S+\/((?:@[^/\s]+(?:\/|%2[fF]))?[^/\s]+?)(?:\/-\/|\s|$)/.exec(text);
      const name = spec?.[1]?.replace(/%2[fF]/, "/");
      return name ? `package \`${name}\` not found in the registry` : `a package was not found in the registry (${firstLine(lines)})`;
    }
    case "ETARGET": {
      const m = /No matching version found for ((?:@[^/\s]+\/)?[^@\s]+)@(\S+?)\.?$/m.exec(text);
      return m ? `version ${m[2]} of package \`${m[1]}\` not found in the registry` : `a version the lock names is not in the registry (${firstLine(lines)})`;
    }
    case "EINTEGRITY": {
      const m = /for ((?:@[^/\s]+\/)?[^@\s]+)@/.exec(text);
      return `the downloaded ${m ? `package \`${m[1]}\`` : "package"} does not match the checksum in package-lock.json (a changed or corrupted tarball)`;
    }
    case "EUSAGE":
      return `package.json and package-lock.json are not in sync: ${firstLine(lines.filter((l) => !l.startsWith("code ")))}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "ETIMEDOUT":
    case "ENETUNREACH": {
      const host = /(?:request to |GET )(https?:\/\/[^/\s]+)/.exec(text)?.[1];
      return `the npm registry${host ? ` ${host}` : ""} could not be reached (${code}): check the network or the configured registry`;
    }
    case "ENOSPC":
      return "no space left on device while installing the environment's packages";
    case "E401":
    case "E403":
      return `the npm registry refused access (${code}): check the registry credentials in .npmrc`;
  }
  if (/command failed|ELIFECYCLE/i.test(text)) {
    const pkg = /path \S*node_modules\/((?:@[^/\s]+\/)?[^/\s]+)/.exec(text)?.[1];
    return `the install script of ${pkg ? `package \`${pkg}\`` : "a trusted package"} failed: see the build log`;
  }
  return `${what} failed: ${firstLine(lines) || lastLine(output) || "npm exited with an error"}`;
}

const firstLine = (lines: string[]) => lines.find((l) => l && !/^(code |A complete log|errno )/.test(l) && l !== "404") ?? "";

const lastLine = (output: string) =>
  output
    .trim()
    .split("\n")
    .filter((l) => l.trim())
    .at(-1)
    ?.slice(0, 300) ?? "";
