import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { comparisonCsv } from "@/lib/services/run-compare";

export const dynamic = "force-dynamic";

/** The changed rows of two runs as a CSV download. */
export const GET = handle(routes.compareRunsCsv, async ({ db }, { query }) => {
  const csv = await comparisonCsv(db, query.a, query.b, query.step);
  return new Response(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="compare-${query.a}-${query.b}.csv"` },
  });
});
