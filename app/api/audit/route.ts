import { listAudit } from "@/lib/auth/audit";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listAudit, async ({ db }, { query }) => ({
  events: await listAudit(db, { limit: query.limit ?? 100, before: query.before, actor: query.actor }),
}));
