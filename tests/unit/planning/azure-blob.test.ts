import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ContainerClient } from "@azure/storage-blob";
import { openDatastore, type Datastore } from "../../../lib/datastores/index";
import type { TabularOptions } from "../../../lib/datasets/tabular/options";
import { planFiles } from "../../../lib/planning/files";
import { planTabular } from "../../../lib/planning/tabular";
import { startAzurite, type AzuriteHandle } from "../../support/azurite";
import { writeParquet } from "../datasets/parquet-writer";
import { awkwardCsv, collect, readSlices } from "./fixtures";

let azurite: AzuriteHandle;
let ds: Datastore;

before(async () => {
  azurite = await startAzurite();
  await new ContainerClient(azurite.connectionString, "tables").create();
  ds = openDatastore("azure-blob", { container: "tables", auth: "connection-string" }, { connectionString: azurite.connectionString }, { pageSize: 2 });
});

after(async () => {
  await azurite?.stop();
});

test("planning streams blobs: CSV split by ranged reads, Parquet by its footer, files by pages", async () => {
  const { rows, csv } = awkwardCsv(3000);
  await ds.write("in/big.csv", csv);
  await ds.write("in/small.csv", "id,text,value\n1,x,2\n");
  await ds.write("in/t.parquet", writeParquet([{ name: "id", type: "int64" }], [[[1n], [2n]], [[3n]]]));

  const options: TabularOptions = { format: "csv" };
  const slices = await collect(planTabular(ds, ds.list("in/*.csv"), options, 8192));
  assert.ok(slices.length > 5);
  assert.deepEqual([...new Set(slices.map((s) => s.path))], ["in/big.csv", "in/small.csv"]);
  const read = await readSlices(ds, slices, options);
  assert.deepEqual(read.rows, [...rows, { id: 1, text: "x", value: 2 }]);

  const parquet = await collect(planTabular(ds, ds.list("in/*.parquet"), { format: "parquet" }, 1 << 20));
  assert.deepEqual((await readSlices(ds, parquet, { format: "parquet" })).rows, [{ id: 1 }, { id: 2 }, { id: 3 }]);

  assert.deepEqual(await collect(planFiles(ds.list("in/"), 2)), [["in/big.csv", "in/small.csv"], ["in/t.parquet"]]);
});
