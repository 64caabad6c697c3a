import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { lastEventIdOf, sseResponse } from "@/lib/http/sse";
import { buildSnapshot, runEventHub } from "@/lib/services/run-events";

export const dynamic = "force-dynamic";

/**
 * The live events of a run (text/event-stream). A fresh connection starts with a snapshot of the
 * current state; a reconnect with Last-Event-ID continues after that id, with no gap and no
 * duplicate. Viewers of one run share one database poller.
 */
export const GET = handle(routes.runEvents, async ({ db }, { params: { runId } }, req) => {
  const resumeAfter = lastEventIdOf(req);
  const snapshot = resumeAfter === undefined ? await buildSnapshot(db, runId) : undefined;
  const after = snapshot?.lastEventId ?? resumeAfter ?? 0;
  return sseResponse(req, (stream) => {
    if (snapshot) stream.send({ id: snapshot.lastEventId, data: snapshot });
    return runEventHub(db).subscribe(runId, after, (rows) => {
      for (const row of rows) if (!stream.send({ id: row.id, data: row.payload })) return;
    });
  });
});
