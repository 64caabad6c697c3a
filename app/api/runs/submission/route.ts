import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { listDatasets } from "@/lib/services/datasets";
import { getPipelineVersion } from "@/lib/services/pipelines";

export const dynamic = "force-dynamic";

/** What the submit dialog offers: the pipeline's parameters with defaults, datasets, experiments. */
export const GET = handle(routes.submissionOptions, async ({ db }, { query }) => {
  const pv = await getPipelineVersion(db, query.pipeline, query.version);
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
