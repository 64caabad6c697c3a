import { route } from "@/lib/http/route";
import { deleteRun } from "@/lib/services/run-control";
import { buildSnapshot } from "@/lib/services/run-events";

export const dynamic = "force-dynamic";

export const GET = route(({ db }, _req, { runId }) => buildSnapshot(db, runId!));

export const DELETE = route(({ db, env }, _req, { runId }) => deleteRun(db, env.dataDir, runId!));
