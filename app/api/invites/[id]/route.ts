import { revokeInvite } from "@/lib/auth/invites";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = handle(routes.revokeInvite, ({ db }, { params }) => revokeInvite(db, params.id));
