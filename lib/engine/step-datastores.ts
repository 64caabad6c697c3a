import type { Db } from "../db/client";
import { openDatastore } from "../datastores/index";
import type { Datastore } from "../datastores/types";
import { AppError } from "../errors";
import { specOf, type DatastoreAccess } from "../catalog/datastores";
import type { DatastoreSpec } from "../datastores/types";

/**
 * The datastores a step touches: loaded from the database once, opened once, and handed to the
 * worker processes as specs (children never read the database).
 */
export class StepDatastores {
  private readonly specs = new Map<string, DatastoreSpec>();
  private readonly opened = new Map<string, Datastore>();

  constructor(
    private readonly db: Db,
    private readonly access: DatastoreAccess,
  ) {}

  async load(name: string): Promise<void> {
    if (this.specs.has(name)) return;
    const row = await this.db.datastore.findUnique({ where: { name } });
    if (!row) throw new AppError("not_found", `Datastore '${name}' is not registered`);
    this.specs.set(name, specOf(row, this.access));
  }

  /** A datastore already loaded. */
  open = (name: string): Datastore => {
    let ds = this.opened.get(name);
    if (!ds) {
      const spec = this.specs.get(name);
      if (!spec) throw new Error(`datastore '${name}' was not loaded`);
      ds = openDatastore(spec.kind, spec.config, spec.secret);
      this.opened.set(name, ds);
    }
    return ds;
  };

  forWorkers(): Record<string, DatastoreSpec> {
    return Object.fromEntries(this.specs);
  }
}
