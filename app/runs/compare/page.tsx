import type { Metadata } from "next";
import { CompareRuns } from "@/components/runs/compare-runs";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare runs · Parallel Run Studio" };

export default async function CompareRunsPage({ searchParams }: { searchParams: Promise<{ a?: string; b?: string }> }) {
  const { a, b } = await searchParams;
  return <CompareRuns initialA={a ?? ""} initialB={b ?? ""} />;
}
