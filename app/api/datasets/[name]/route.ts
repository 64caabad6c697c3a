import { routes } from "@/lib/contracts/api/routes";
import { versionedRefOf } from "@/lib/http/registry-ref";
import { handle } from "@/lib/http/route";
import { deleteDataset } from "@/lib/services/registry-delete";

export const dynamic = "force-dynamic";

/** ?version=N deletes one version, without it every version; 409 names who still uses it. */
export const DELETE = handle(routes.deleteDataset, ({ db }, { params, query }) => deleteDataset(db, versionedRefOf(params.name, query.version)));
