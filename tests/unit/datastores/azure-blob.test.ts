import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerClient, ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from "@azure/storage-blob";
import { openDatastore, type Datastore } from "../../../lib/datastores/index";
import { compareUtf8 } from "../../../lib/datastores/paths";
import { AppError } from "../../../lib/errors";
import { startAzurite, type AzuriteHandle } from "../../support/azurite";
import { collect, sampleTree } from "./fixtures";

let azurite: AzuriteHandle;
let ds: Datastore;
const container = "sampledata";
const manyNames = Array.from({ length: 23 }, (_, i) => `many/img_${String(i).padStart(3, "0")}.png`);

const byConnectionString = (pageSize?: number) =>
  openDatastore("azure-blob", { container, auth: "connection-string" }, { connectionString: azurite.connectionString }, { pageSize });

before(async () => {
  azurite = await startAzurite();
  await new ContainerClient(azurite.connectionString, container).create();
  ds = byConnectionString(5);
  await Promise.all([...Object.entries(sampleTree), ...manyNames.map((n) => [n, n] as const)].map(([path, content]) => ds.write(path, content)));
});

after(async () => {
  await azurite?.stop();
});

const paths = async (it: AsyncIterable<{ path: string }>) => (await collect(it)).map((e) => e.path);

test("lists folders, files and globs across several pages in byte order", async () => {
  const all = await paths(ds.list(""));
  assert.deepEqual(all, [...Object.keys(sampleTree), ...manyNames].sort(compareUtf8));
  assert.deepEqual(await paths(ds.list("many/img_01*.png")), manyNames.slice(10, 20), "glob across pages of 5");
  assert.deepEqual(await paths(ds.list("many/")), manyNames);
  assert.deepEqual(await paths(ds.list("mnist")), ["mnist/0.png", "mnist/1.png", "mnist/notes.txt", "mnist/sub/2.png", "mnist/sub/deeper/3.png"]);
  assert.deepEqual(await paths(ds.list("mnist/*.png")), ["mnist/0.png", "mnist/1.png"]);
  assert.deepEqual(await paths(ds.list("mnist/**/*.png")), ["mnist/0.png", "mnist/1.png", "mnist/sub/2.png", "mnist/sub/deeper/3.png"]);
  const [entry] = await collect(ds.list("mnist/sub/2.png"));
  assert.deepEqual({ path: entry?.path, size: entry?.size }, { path: "mnist/sub/2.png", size: 5 });
  assert.match(entry?.stamp ?? "", /^"?0x[0-9A-F]+"?$/, "a listed blob carries its ETag as its change stamp");
  assert.deepEqual(await paths(ds.list("absent/")), []);
});

test("reads files and ranges; missing files are not found", async () => {
  assert.equal((await ds.read("mnist/sub/2.png")).toString(), "two..");
  assert.equal((await ds.readRange("mnist.txt", 6, 12)).toString(), "before");
  assert.equal((await ds.readRange("mnist.txt", 30, 100)).toString(), "der");
  assert.equal((await ds.readRange("mnist.txt", 500, 600)).length, 0);
  assert.equal(Buffer.concat(await collect(ds.createReadStream("mnist.txt", { start: 0, end: 5 }))).toString(), "sorts");
  const stat = await ds.stat("mnist/0.png");
  assert.deepEqual({ path: stat?.path, size: stat?.size }, { path: "mnist/0.png", size: 4 });
  assert.ok(stat?.stamp, "stat gives the blob's ETag");
  assert.equal(await ds.stat("mnist/9.png"), undefined);
  assert.equal(ds.localPath("mnist/0.png"), undefined);
  await assert.rejects(
    ds.read("mnist/9.png"),
    (e: unknown) => e instanceof AppError && e.code === "not_found" && e.message === "file 'mnist/9.png' not found in datastore",
  );
  await assert.rejects(collect(ds.createReadStream("mnist/9.png")), /file 'mnist\/9.png' not found in datastore/);
  await assert.rejects(ds.read("../x"), /path '\.\.\/x' escapes the datastore root/);
});

test("materialize downloads in parallel, keeping the relative layout", async () => {
  const cache = await mkdtemp(join(tmpdir(), "prs-cache-"));
  try {
    const local = await ds.materialize(["mnist/0.png", "mnist/sub/deeper/3.png", ...manyNames], cache);
    assert.equal(local[0], join(cache, "mnist/0.png"));
    assert.equal(await readFile(local[1] as string, "utf8"), "three");
    assert.equal(await readFile(join(cache, manyNames[22] as string), "utf8"), manyNames[22]);
    await assert.rejects(ds.materialize(["mnist/missing.png"], cache), /file 'mnist\/missing.png' not found in datastore/);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test("account key and SAS authentication work", async () => {
  const byKey = openDatastore(
    "azure-blob",
    { container, auth: "account-key", accountName: azurite.accountName, accountUrl: azurite.accountUrl },
    { accountKey: azurite.accountKey },
  );
  assert.equal((await byKey.read("mnist/0.png")).toString(), "zero");

  const sas = generateBlobSASQueryParameters(
    { containerName: container, permissions: ContainerSASPermissions.parse("rlw"), expiresOn: new Date(Date.now() + 3600_000) },
    new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
  ).toString();
  const bySas = openDatastore("azure-blob", { container, auth: "sas", accountUrl: azurite.accountUrl }, { sasToken: `?${sas}` });
  assert.deepEqual(await paths(bySas.list("mnist/*.png")), ["mnist/0.png", "mnist/1.png"]);
  await bySas.write("sas/written.txt", "via sas");
  assert.equal((await bySas.read("sas/written.txt")).toString(), "via sas");
});

test("errors never contain a secret", async () => {
  const wrongKey = Buffer.from("this is not the right account key at all").toString("base64");
  const badKey = openDatastore(
    "azure-blob",
    { container, auth: "account-key", accountName: azurite.accountName, accountUrl: azurite.accountUrl },
    { accountKey: wrongKey },
  );
  const badSasToken = "sv=2025-01-05&sr=c&sp=r&se=2099-01-01T00%3A00%3A00Z&sig=AAAAsecretSignatureBBBB%3D";
  const badSas = openDatastore("azure-blob", { container, auth: "sas", accountUrl: azurite.accountUrl }, { sasToken: badSasToken });
  const badConnection = azurite.connectionString.replace(azurite.accountKey, wrongKey);
  const badCs = openDatastore("azure-blob", { container, auth: "connection-string" }, { connectionString: badConnection });

  const secrets = [wrongKey, badSasToken, "AAAAsecretSignatureBBBB", badConnection, azurite.accountKey];
  for (const [name, store] of [
    ["key", badKey],
    ["sas", badSas],
    ["connection string", badCs],
  ] as const) {
    for (const attempt of [() => store.read("mnist/0.png"), () => collect(store.list("mnist/")), () => store.stat("mnist/0.png")]) {
      const error = await attempt().then(
        () => assert.fail(`${name}: expected a refusal`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof AppError, `${name}: ${String(error)}`);
      assert.match(error.message, /refused access|failed/, name);
      for (const secret of secrets) assert.ok(!error.message.includes(secret), `${name}: message leaks a secret: ${error.message}`);
      assert.ok(!/sig=(?!\[redacted\])/.test(error.message), error.message);
    }
  }
});

test("missing secrets and settings give clear messages without values", () => {
  assert.throws(
    () => openDatastore("azure-blob", { container, auth: "connection-string" }, {}),
    /azure-blob datastore needs a connection string when auth is connection-string/,
  );
  assert.throws(() => openDatastore("azure-blob", { container, auth: "sas" }, { sasToken: "sv=1&sig=x" }), /needs accountUrl or accountName when auth is sas/);
  assert.throws(
    () => openDatastore("azure-blob", { container, auth: "account-key", accountUrl: azurite.accountUrl }, { accountKey: "a2V5" }),
    /needs accountName when auth is account-key/,
  );
  assert.throws(() => openDatastore("azure-blob", { container: "Bad_Name", auth: "sas" }, {}), /container: use 3-63 lowercase/);
  const secretText = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=TOPSECRET";
  assert.throws(
    () => openDatastore("azure-blob", { container, auth: "connection-string" }, { connectionString: secretText, extra: "TOPSECRET2" }),
    (e: unknown) => e instanceof AppError && !e.message.includes("TOPSECRET") && /secret is not valid/.test(e.message),
  );
  assert.throws(
    () => openDatastore("azure-blob", { container, auth: "connection-string" }, { connectionString: "not a connection string TOPSECRET" }),
    (e: unknown) => e instanceof AppError && !e.message.includes("TOPSECRET") && /connection string is not valid/.test(e.message),
  );
});

test("a missing container is a clear not-found error", async () => {
  const other = openDatastore("azure-blob", { container: "nosuchcontainer", auth: "connection-string" }, { connectionString: azurite.connectionString });
  await assert.rejects(collect(other.list("")), /container 'nosuchcontainer' not found in the storage account/);
});
