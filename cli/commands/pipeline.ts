import YAML from "yaml";
import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { getPipelineVersion, listPipelines, publishPipeline } from "../../lib/services/pipelines";
import { parse, required } from "../args";
import { readDefinition } from "../definition-file";
import { EXIT, print } from "../exit-codes";

export const help = `  prs pipeline create <definition.json|yaml>    publish a pipeline (a new version when it changed)
  prs pipeline list | show <name> [--version N]`;

export async function pipelineCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "create") {
    const { positionals } = parse(argv, {});
    const published = await publishPipeline(ctx.db, readDefinition(required(positionals[0], "definition file")));
    print(
      published.created
        ? `published pipeline ${published.name} version ${published.version}`
        : `pipeline ${published.name} version ${published.version} is unchanged`,
    );
    return EXIT.ok;
  }
  if (sub === "list") {
    for (const p of await listPipelines(ctx.db)) print(`${p.name}\tv${p.latestVersion}\t${p.runs} runs\t${p.description ?? ""}`);
    return EXIT.ok;
  }
  if (sub === "show") {
    const { values, positionals } = parse(argv, { version: { type: "string" } });
    const pv = await getPipelineVersion(ctx.db, required(positionals[0], "pipeline name"), values.version ? Number(values.version) : undefined);
    print(YAML.stringify(pv.definition));
    return EXIT.ok;
  }
  throw invalid("use: prs pipeline create|list|show");
}
