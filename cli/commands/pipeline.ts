import YAML from "yaml";
import { invalid, notFound } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { getPipelineVersion, listPipelines, publishPipeline } from "../../lib/services/pipelines";
import { parse, required } from "../args";
import { readDefinition } from "../definition-file";
import { EXIT, print } from "../exit-codes";
import type { Remote } from "../remote/connection";
import { publishRemote } from "../remote/publish";

export const help = `  prs pipeline create <definition.json|yaml>    publish a pipeline (a new version when it changed; against a server its entry-script folders are uploaded)
  prs pipeline list | show <name> [--version N]`;

const publishedLine = (p: { name: string; version: number; created: boolean }) =>
  p.created ? `published pipeline ${p.name} version ${p.version}` : `pipeline ${p.name} version ${p.version} is unchanged`;

export async function pipelineCommand(sub: string | undefined, argv: string[], remote?: Remote): Promise<number> {
  if (sub === "create") {
    const { positionals } = parse(argv, {});
    const definition = readDefinition(required(positionals[0], "definition file"));
    if (remote) {
      const published = await publishRemote(remote, definition);
      for (const line of published.uploaded) print(`uploaded ${line}`);
      print(publishedLine(published));
      return EXIT.ok;
    }
    print(publishedLine(await publishPipeline((await appContext()).db, definition)));
    return EXIT.ok;
  }
  if (sub === "list") {
    const list = remote ? (await remote.api.listPipelines()).pipelines : await listPipelines((await appContext()).db);
    for (const p of list) print(`${p.name}\tv${p.latestVersion}\t${p.runs} runs\t${p.description ?? ""}`);
    return EXIT.ok;
  }
  if (sub === "show") {
    const { values, positionals } = parse(argv, { version: { type: "string" } });
    const name = required(positionals[0], "pipeline name");
    const version = values.version ? Number(values.version) : undefined;
    if (remote) {
      const found = (await remote.api.listPipelines({ query: { search: name } })).pipelines.find((p) => p.name === name);
      if (!found) throw notFound(`Pipeline '${name}' does not exist on ${remote.target.server}`);
      const res = await remote.api.pipelineDefinition({
        params: { id: found.id },
        query: { format: "yaml", ...(version ? { version: String(version) } : {}) },
      });
      process.stdout.write(await res.text());
      return EXIT.ok;
    }
    const pv = await getPipelineVersion((await appContext()).db, name, version);
    print(YAML.stringify(pv.definition));
    return EXIT.ok;
  }
  throw invalid("use: prs pipeline create|list|show");
}
