import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import {
  buildEnvironment,
  environmentDetailJson,
  environmentJson,
  listEnvironments,
  registerEnvironment,
  resolveEnvironment,
} from "../../lib/services/environments";
import { pairs, parse, required } from "../args";
import { EXIT, print } from "../exit-codes";

export const help = `  prs environment add <name> --from <folder with package.json and package-lock.json> [--description <text>]
                  [--node <major>] [--var NAME=value ...] [--trust <package> ...]
  prs environment list
  prs environment show <name>[:<version>] [--lock] [--log]
  prs environment build <name>[:<version>]`;

/** `prs environment add|list|show|build`: registered npm environments for entry scripts. */
export async function environmentCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  switch (sub) {
    case "add": {
      const { values, positionals } = parse(argv, {
        from: { type: "string" },
        description: { type: "string" },
        node: { type: "string" },
        var: { type: "string", multiple: true },
        trust: { type: "string", multiple: true },
      });
      const name = required(positionals[0], "environment name");
      const folder = resolve(required(values.from, "--from <folder>"));
      const read = (file: string) => {
        const path = join(folder, file);
        if (!existsSync(path))
          throw invalid(`${path} not found: --from names a folder with package.json and package-lock.json (npm install --package-lock-only makes the lock)`);
        return readFileSync(path, "utf8");
      };
      const node = values.node === undefined ? undefined : Number(values.node);
      if (node !== undefined && !Number.isInteger(node)) throw invalid(`--node takes a Node.js major version such as 20, got '${values.node}'`);
      const { view, created } = await registerEnvironment(ctx.db, {
        name,
        description: values.description,
        packageJson: read("package.json"),
        packageLock: read("package-lock.json"),
        nodeMajor: node,
        variables: pairs(values.var, "--var"),
        trustedScripts: values.trust ?? [],
      });
      const json = environmentJson(view, ctx.env.dataDir);
      print(
        `${created ? "registered environment" : "unchanged: this is already environment"} ${view.name}:${view.version} (${json.packageCount} packages, Node.js ${view.nodeMajor})`,
      );
      for (const [pkg, version] of Object.entries(json.dependencies)) print(`  ${pkg} ${version}`);
      return EXIT.ok;
    }
    case "list": {
      for (const view of await listEnvironments(ctx.db)) {
        const json = environmentJson(view, ctx.env.dataDir);
        const deps = Object.entries(json.dependencies)
          .map(([n, v]) => `${n}@${v}`)
          .join(" ");
        print(`${view.name}:${view.version}\tnode ${view.nodeMajor}\t${json.build.state}\t${deps}\t${view.description ?? ""}`);
      }
      return EXIT.ok;
    }
    case "show": {
      const { values, positionals } = parse(argv, { lock: { type: "boolean" }, log: { type: "boolean" } });
      const view = await resolveEnvironment(ctx.db, required(positionals[0], "environment name"));
      const json = environmentDetailJson(view, ctx.env.dataDir);
      print(`${view.name}:${view.version}${view.description ? `  ${view.description}` : ""}`);
      print(`  node ${view.nodeMajor}, ${json.packageCount} packages, content ${view.contentHash.slice(0, 12)}, registered ${json.createdAt}`);
      print(`  build on this machine: ${json.build.state}${json.build.message ? ` (${json.build.message})` : ""}`);
      for (const [pkg, version] of Object.entries(json.dependencies)) print(`  dependency ${pkg} ${version}`);
      for (const pkg of view.trustedScripts) print(`  install scripts allowed for ${pkg}`);
      for (const name of Object.keys(view.variables)) print(`  variable ${name}`);
      if (values.lock) print(view.packageLock);
      if (values.log) print(json.buildLog ?? "(never built on this machine)");
      return EXIT.ok;
    }
    case "build": {
      const built = await buildEnvironment(ctx.db, ctx.env.dataDir, required(argv[0], "environment name"), ctx.env.environmentCacheBytes);
      print(`${built.label}: ${built.built ? "built" : "already built"} in ${built.dir}`);
      return EXIT.ok;
    }
    default:
      throw invalid("use: prs environment add|list|show|build");
  }
}
