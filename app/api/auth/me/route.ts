import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = handle(routes.currentUser, async ({ actor }) => {
  // The route needs a viewer at least, so there is always an actor here.
  const a = actor!;
  return { user: { id: a.userId, email: a.email, name: a.name, role: a.role, via: a.via } };
});
