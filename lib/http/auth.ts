import { type Access, roleAtLeast } from "../contracts/auth";
import { recordAudit } from "../auth/audit";
import { type Actor, authenticate } from "../auth/identity";
import type { RouteDef } from "../contracts/api/route-def";
import { forbidden, unauthenticated } from "../errors";
import type { AppContext } from "../server/context";

/** What a route handler gets: the app context and who is asking (null only on public routes). */
export interface RequestContext extends AppContext {
  actor: Actor | null;
}

/**
 * The route's access rule applied to the request's credentials: 401 when a signed-in role is
 * needed and none came (or the credential sent is not valid: the message says why), 403 when the
 * role is too low. Public routes look nobody up.
 */
export async function authorize(ctx: AppContext, req: Request, access: Access): Promise<Actor | null> {
  // Public routes answer whatever credentials came (a health probe with a stale token still gets health).
  if (access === "public") return null;
  const identity = await authenticate(ctx.db, req.headers);
  if (!identity.actor) throw unauthenticated(identity.problem ?? "Sign in first, or send Authorization: Bearer <API token>");
  if (!roleAtLeast(identity.actor.role, access)) {
    const via = identity.actor.via === "token" ? "this API token has" : "you have";
    throw forbidden(`This needs the ${access} role; ${via} ${identity.actor.role}`);
  }
  return identity.actor;
}

/** The id or name a change was made to: the path's parameters, else the new thing's id from the answer. */
function auditTarget(params: Record<string, unknown>, result: unknown): string {
  const fromParams = Object.values(params).filter((v) => typeof v === "string" || typeof v === "number");
  if (fromParams.length > 0) return fromParams.join(" ");
  const r = (result ?? {}) as Record<string, unknown>;
  for (const key of ["runId", "id", "name"]) if (typeof r[key] === "string") return r[key];
  return "";
}

function auditDetail(result: unknown): string | undefined {
  const r = (result ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ["name", "version", "role", "runId", "status", "archived"]) {
    const value = r[key];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") parts.push(`${key}=${value}`);
  }
  return parts.length > 0 ? parts.join(" ") : undefined;
}

/** Records a successful change of a route that declares `audit`. */
export async function auditRoute(ctx: RequestContext, def: RouteDef, params: Record<string, unknown>, result: unknown): Promise<void> {
  if (!def.audit) return;
  await recordAudit(ctx.db, ctx.actor, { action: def.audit, target: auditTarget(params, result), detail: auditDetail(result) });
}
