import type { Db } from "../db/client";
import { listDatasets } from "./datasets";
import { listModels } from "./models";
import { listPipelines } from "./pipelines";
import { listRuns } from "./runs";

/** The home page: what is registered and the latest runs. */
export async function loadOverview(db: Db) {
  const [pipelines, datasets, models, runs] = await Promise.all([listPipelines(db), listDatasets(db), listModels(db), listRuns(db, { take: 20 })]);
  return { pipelines, datasets, models, runs };
}

export type OverviewData = Awaited<ReturnType<typeof loadOverview>>;
