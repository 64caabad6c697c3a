import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { deleteRun } from "@/lib/services/run-control";
import { buildSnapshot } from "@/lib/services/run-events";

export const dynamic = "force-dynamic";

export const GET = handle(routes.getRun, ({ db }, { params }) => buildSnapshot(db, params.runId));

export const DELETE = handle(routes.deleteRun, ({ db, env }, { params }) => deleteRun(db, env.dataDir, params.runId, env.leaseMs));
