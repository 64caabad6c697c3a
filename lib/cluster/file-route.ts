import { createHash, timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { AppError } from "../errors";
import type { ClusterDeps } from "./dispatch";

/** Whether `Authorization: Bearer <secret>` carries the agent secret (compared in constant time). */
export function isAgentSecret(header: string | null, secret: string | undefined): boolean {
  if (!secret || !header?.startsWith("Bearer ")) return false;
  const given = createHash("sha256").update(header.slice(7)).digest();
  return timingSafeEqual(given, createHash("sha256").update(secret).digest());
}

/**
 * A file an agent asks for by content hash: only files the orchestrator registered for a step
 * (its script folder, model, labels, side inputs) are served, never an arbitrary path.
 */
export async function agentFileResponse(cluster: ClusterDeps | undefined, sha256: string): Promise<Response> {
  if (!cluster) throw new AppError("not_found", "This studio runs without REDIS_URL: it has no agents and serves no agent files");
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError("invalid_input", "A file is asked for by its SHA-256 (64 lowercase hex digits)");
  const path = await cluster.redis.get(cluster.keys.file(sha256));
  if (!path || !existsSync(path)) throw new AppError("not_found", `No file with SHA-256 ${sha256} is handed to agents (its step ended, or it was moved)`);
  const size = statSync(path).size;
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: { "content-type": "application/octet-stream", "content-length": String(size), "cache-control": "no-store" } });
}
