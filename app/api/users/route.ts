import { listUsers } from "@/lib/auth/users";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listUsers, async ({ db }) => ({ users: await listUsers(db) }));
