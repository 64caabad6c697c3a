import { updateUser } from "@/lib/auth/users";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const PATCH = handle(routes.updateUser, ({ db, actor }, { params, body }) => updateUser(db, actor!, params.id, body));
