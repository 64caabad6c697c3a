import { revokeApiToken } from "@/lib/auth/api-tokens";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = handle(routes.revokeApiToken, ({ db, actor }, { params }) => revokeApiToken(db, actor!, params.id));
