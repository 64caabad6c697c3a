import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { deleteDatastore } from "@/lib/services/registry-delete";

export const dynamic = "force-dynamic";

/** Unregisters the datastore (its files stay); 409 names who still uses it. */
export const DELETE = handle(routes.deleteDatastore, ({ db }, { params }) => deleteDatastore(db, params.name));
