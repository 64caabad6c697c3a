import { route } from "@/lib/http/route";
import { versionedRefOf } from "@/lib/http/registry-ref";
import { deleteModel } from "@/lib/services/registry-delete";

export const dynamic = "force-dynamic";

/** ?version=N deletes one version, without it every version; 409 names who still uses it. */
export const DELETE = route(({ db }, req, { name }) => deleteModel(db, versionedRefOf(req, name!)));
