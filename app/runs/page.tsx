import type { Metadata } from "next";
import { RunsList } from "@/components/runs/runs-list";
import { appContext } from "@/lib/server/context";
import { listPipelines } from "@/lib/services/pipelines";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Runs · Parallel Run Studio" };

export default async function RunsPage() {
  const { db } = await appContext();
  const pipelines = (await listPipelines(db)).filter((p) => p.latestVersion > 0).map((p) => p.name);
  return <RunsList pipelines={pipelines} />;
}
