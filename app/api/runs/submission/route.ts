import type { SubmissionOptions } from "@/lib/contracts/run-api";
import { invalid } from "@/lib/errors";
import { intParam } from "@/lib/http/query";
import { route } from "@/lib/http/route";
import { listDatasets } from "@/lib/services/datasets";
import { getPipelineVersion } from "@/lib/services/pipelines";

export const dynamic = "force-dynamic";

/** What the submit dialog offers: the pipeline's parameters with defaults, datasets, experiments. */
export const GET = route(async ({ db }, req): Promise<SubmissionOptions> => {
  const params = new URL(req.url).searchParams;
  const name = params.get("pipeline");
  if (!name) throw invalid("Add ?pipeline=<name> to get its submission options");
  const pv = await getPipelineVersion(db, name, intParam(params, "version", { min: 1 }));
  const [datasets, experiments] = await Promise.all([
    listDatasets(db),
    db.pipelineRun.findMany({ distinct: ["experimentName"], select: { experimentName: true }, orderBy: { experimentName: "asc" }, take: 200 }),
  ]);
  return {
    pipeline: pv.name,
    version: pv.version,
    parameters: pv.definition.parameters.map((p) => ({ name: p.name, type: p.type, default: p.default, description: p.description })),
    datasets: datasets.map((d) => ({ name: d.name, version: d.version, kind: d.kind, paths: d.paths })),
    experiments: experiments.map((e) => e.experimentName),
  };
});
