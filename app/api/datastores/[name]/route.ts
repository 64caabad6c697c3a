import { route } from "@/lib/http/route";
import { deleteDatastore } from "@/lib/services/registry-delete";

export const dynamic = "force-dynamic";

/** Unregisters the datastore (its files stay); 409 names who still uses it. */
export const DELETE = route(({ db }, _req, { name }) => deleteDatastore(db, name!));
