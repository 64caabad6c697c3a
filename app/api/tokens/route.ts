import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listApiTokens, async ({ db, actor }) => ({ tokens: await listApiTokens(db, actor!) }));

export const POST = handle(routes.createApiToken, ({ db, actor }, { body }) => createApiToken(db, actor!, body));
