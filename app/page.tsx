import { Overview } from "@/components/overview/overview";
import { appContext } from "@/lib/server/context";
import { loadOverview } from "@/lib/services/overview";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const { db } = await appContext();
  return <Overview {...(await loadOverview(db))} />;
}
