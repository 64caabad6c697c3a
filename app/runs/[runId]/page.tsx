import { RunPage } from "@/components/runs/run-page";

export const dynamic = "force-dynamic";

export default async function RunDetailsPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  return <RunPage runId={runId} />;
}
