import type { DatastoreJson } from "@/lib/contracts/designer-api";
import { routes } from "@/lib/contracts/api/routes";
import { stampCreatedBy } from "@/lib/auth/audit";
import { handle } from "@/lib/http/route";
import { checkExistingFolder, listDatastores, registerDatastore, type DatastoreView } from "@/lib/services/datastores";

export const dynamic = "force-dynamic";

/** Secrets are write-only: the view says whether one is set, never what it is. */
const json = (d: DatastoreView): DatastoreJson => ({
  id: d.id,
  name: d.name,
  kind: d.kind,
  config: d.config,
  hasSecret: d.hasSecret,
  createdAt: d.createdAt.toISOString(),
});

export const GET = handle(routes.listDatastores, async ({ db }) => ({ datastores: (await listDatastores(db)).map(json) }));

export const POST = handle(routes.registerDatastore, async ({ db, access, actor }, { body }) => {
  // Registered from the studio (form, remote CLI): the folder must exist already, so a typo is caught now.
  if (body.kind === "local") checkExistingFolder(body.root);
  const view =
    body.kind === "local"
      ? await registerDatastore(db, access, { name: body.name, kind: "local", config: { root: body.root } })
      : await registerDatastore(db, access, {
          name: body.name,
          kind: "azure-blob",
          config: {
            container: body.container,
            auth: body.auth,
            ...(body.accountUrl ? { accountUrl: body.accountUrl } : {}),
            ...(body.accountName ? { accountName: body.accountName } : {}),
          },
          secret:
            body.auth === "connection-string"
              ? { connectionString: body.secret }
              : body.auth === "sas"
                ? { sasToken: body.secret }
                : { accountKey: body.secret },
        });
  await stampCreatedBy(db, actor, { kind: "datastore", name: view.name });
  return json(view);
});
