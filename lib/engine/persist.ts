import type { MiniBatchStatus } from "../contracts/statuses";
import type { Db } from "../db/client";
import type { DbProvider } from "../db/provider";
import type { MiniBatchState } from "./step-executor";

export interface MiniBatchUpdate {
  id: string;
  status: MiniBatchStatus;
  attempts: number;
  succeededItems: number;
  failedItems: number;
  lastError: string | null;
  elapsedMs: number;
  endedAt: Date;
}

export function updateOf(mb: MiniBatchState, elapsedSeconds: number, endedAt: Date): MiniBatchUpdate {
  return {
    id: mb.id,
    status: mb.status,
    attempts: mb.attempts,
    succeededItems: mb.succeeded,
    failedItems: mb.failed,
    lastError: mb.lastError ?? null,
    elapsedMs: Math.round(elapsedSeconds * 1000),
    endedAt,
  };
}

/**
 * Writes many mini-batch updates in one statement with a single JSON parameter (UPDATE ... FROM
 * the rows of that JSON), so a step of thousands of small mini-batches costs one short statement
 * per flush, the same text every time, instead of one statement per mini-batch.
 * Works on SQLite (json_each, UPDATE FROM since 3.33) and PostgreSQL (jsonb_to_recordset).
 */
export async function writeMiniBatchUpdates(db: Pick<Db, "$executeRawUnsafe">, provider: DbProvider, updates: MiniBatchUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const json = JSON.stringify(
    updates.map((u) => ({
      id: u.id,
      status: u.status,
      attempts: u.attempts,
      ok: u.succeededItems,
      bad: u.failedItems,
      err: u.lastError,
      ms: u.elapsedMs,
      ended: u.endedAt.toISOString(),
    })),
  );
  const set = `"status" = v.status, "attempts" = v.attempts, "succeededItems" = v.ok, "failedItems" = v.bad, "lastError" = v.err, "elapsedMs" = v.ms, "endedAt" = v.ended`;
  if (provider === "postgresql") {
    await db.$executeRawUnsafe(
      `UPDATE "MiniBatch" AS m SET ${set} FROM jsonb_to_recordset($1::jsonb) AS v(id text, status "MiniBatchStatus", attempts int, ok int, bad int, err text, ms int, ended timestamp(3)) WHERE m."id" = v.id`,
      json,
    );
    return;
  }
  await db.$executeRawUnsafe(
    `UPDATE "MiniBatch" SET ${set} FROM (SELECT value ->> 'id' AS id, value ->> 'status' AS status, value ->> 'attempts' AS attempts, value ->> 'ok' AS ok, value ->> 'bad' AS bad, value ->> 'err' AS err, value ->> 'ms' AS ms, value ->> 'ended' AS ended FROM json_each(?)) AS v WHERE "MiniBatch"."id" = v.id`,
    json,
  );
}

export interface NewMiniBatch {
  id: string;
  idx: number;
  items: string;
  itemCount: number;
}

/**
 * Inserts planned mini-batches, a chunk per statement with the rows as one JSON parameter: the
 * statement text never changes and there is one value to bind, so planning millions of files
 * stays fast.
 */
export async function insertMiniBatches(db: Db, provider: DbProvider, stepRunId: string, rows: NewMiniBatch[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 2000) {
    const json = JSON.stringify(rows.slice(start, start + 2000));
    if (provider === "postgresql") {
      await db.$executeRawUnsafe(
        `INSERT INTO "MiniBatch" ("id", "stepRunId", "idx", "items", "itemCount", "status", "attempts", "succeededItems", "failedItems")
         SELECT v.id, $1, v.idx, v.items, v."itemCount", 'pending', 0, 0, 0 FROM jsonb_to_recordset($2::jsonb) AS v(id text, idx int, items text, "itemCount" int)`,
        stepRunId,
        json,
      );
    } else {
      await db.$executeRawUnsafe(
        `INSERT INTO "MiniBatch" ("id", "stepRunId", "idx", "items", "itemCount", "status", "attempts", "succeededItems", "failedItems")
         SELECT value ->> 'id', ?, value ->> 'idx', value ->> 'items', value ->> 'itemCount', 'pending', 0, 0, 0 FROM json_each(?)`,
        stepRunId,
        json,
      );
    }
  }
}
