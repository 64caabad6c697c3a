import { NextResponse } from "next/server";
import { appContext } from "@/lib/server/context";
import { poolIsAlive } from "@/lib/engine/pool-heartbeat";

export const dynamic = "force-dynamic";

export async function GET() {
  const { db, provider } = await appContext();
  return NextResponse.json({ ok: true, database: provider, workerPool: (await poolIsAlive(db)) ? "alive" : "not running" });
}
