import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { poolIsAlive } from "@/lib/engine/pool-heartbeat";

export const dynamic = "force-dynamic";

export const GET = handle(routes.health, async ({ db, provider }) => ({
  ok: true,
  database: provider,
  workerPool: (await poolIsAlive(db)) ? ("alive" as const) : ("not running" as const),
}));
