import type { Metadata } from "next";
import { Overview } from "@/components/overview/overview";
import { appContext } from "@/lib/server/context";
import { loadOverview } from "@/lib/services/overview";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Home · Parallel Run Studio" };

export default async function HomePage() {
  const { db } = await appContext();
  const data = await loadOverview(db);
  // The page renders per request: relative times are measured from now on the server.
  return <Overview {...data} now={Date.now()} />;
}
