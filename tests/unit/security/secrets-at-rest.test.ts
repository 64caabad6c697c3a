import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openNamedDatastore } from "../../../lib/catalog/datastores";
import { loadOrCreateKeyFile } from "../../../lib/crypto/secret-key";
import { decryptSecret, encryptSecret } from "../../../lib/crypto/secrets";
import { AppError } from "../../../lib/errors";
import { previewDataset } from "../../../lib/services/dataset-preview";
import { registerDatastore } from "../../../lib/services/datastores";
import { encryptLegacySecrets } from "../../../lib/services/secrets";
import { rotateSecretKey } from "../../../lib/server/rotate-key";
import { startAzurite, type AzuriteHandle } from "../../support/azurite";
import { makeTestContext, postgresUnavailable, type TestContext } from "../../support/context";

describe("AES-256-GCM secrets", () => {
  const key = randomBytes(32);

  test("round trip, a random IV per value, bound to its owner", () => {
    const a = encryptSecret(key, "AccountKey=abc", "ds_1");
    assert.match(a, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    assert.notEqual(encryptSecret(key, "AccountKey=abc", "ds_1"), a);
    assert.equal(decryptSecret(key, a, "ds_1", "datastore x"), "AccountKey=abc");
    assert.throws(() => decryptSecret(key, a, "ds_2", "datastore y"), /cannot decrypt the secret of datastore y with this secret key/);
  });

  test("a changed ciphertext or another key gives a clear error", () => {
    const stored = encryptSecret(key, "secret-value", "ds_1");
    const [v, iv, tag, body] = stored.split(":") as [string, string, string, string];
    const flipped = Buffer.from(body, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = [v, iv, tag, flipped.toString("base64")].join(":");
    assert.throws(() => decryptSecret(key, tampered, "ds_1", "datastore x"), /cannot decrypt the secret of datastore x with this secret key/);
    assert.throws(() => decryptSecret(randomBytes(32), stored, "ds_1", "datastore x"), /cannot decrypt the secret of datastore x with this secret key/);
    assert.throws(() => decryptSecret(key, "v1:abc", "ds_1", "datastore x"), /not in the form v1:<iv>:<tag>:<ciphertext>/);
  });
});

describe("the secret key file", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "prs-key-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("is generated once with mode 0600 and read back the same", () => {
    const file = join(dir, "secret.key");
    const key = loadOrCreateKeyFile(file);
    assert.equal(key.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateKeyFile(file), key);
  });

  test("a file others may read, or of the wrong length, stops the start with a sentence saying what to do", () => {
    const wide = join(dir, "wide.key");
    writeFileSync(wide, `${randomBytes(32).toString("base64")}\n`, { mode: 0o644 });
    chmodSync(wide, 0o644);
    assert.throws(() => loadOrCreateKeyFile(wide), /the secret key file .*wide\.key has permissions 0644: only its owner may read it \(run `chmod 600 /);
    const short = join(dir, "short.key");
    writeFileSync(short, randomBytes(16).toString("base64"), { mode: 0o600 });
    assert.throws(() => loadOrCreateKeyFile(short), /must be 32 bytes in base64/);
  });
});

for (const provider of ["sqlite", "postgresql"] as const) {
  describe(`${provider}: the database alone never reveals a storage key`, async () => {
    const skip = provider === "postgresql" ? await postgresUnavailable() : false;
    let ctx: TestContext;
    let azurite: AzuriteHandle;
    before(async () => {
      if (skip) return;
      azurite = await startAzurite();
      ctx = await makeTestContext(provider);
      const { ContainerClient } = await import("@azure/storage-blob");
      const container = new ContainerClient(azurite.connectionString, "vault");
      await container.createIfNotExists();
      await container.getBlockBlobClient("rows/a.csv").upload("x,y\n1,2\n", 8);
    });
    after(async () => {
      await ctx?.cleanup();
      await azurite?.stop();
    });

    const rawSecrets = async () => (await ctx.db.datastore.findMany({ where: { secret: { not: null } } })).map((r) => `${r.config} ${r.secret}`).join("\n");
    const preview = () => previewDataset(ctx.db, ctx.access, { datastore: "vault", kind: "file", paths: ["rows/"] });

    test("registered Azure secrets are stored encrypted and still open the container", { skip }, async () => {
      await registerDatastore(ctx.db, ctx.access, {
        name: "vault",
        kind: "azure-blob",
        config: { container: "vault", auth: "connection-string" },
        secret: { connectionString: azurite.connectionString },
      });
      await registerDatastore(ctx.db, ctx.access, {
        name: "by-key",
        kind: "azure-blob",
        config: { container: "vault", auth: "account-key", accountUrl: azurite.accountUrl, accountName: azurite.accountName },
        secret: { accountKey: azurite.accountKey },
      });
      const raw = await rawSecrets();
      for (const part of [azurite.accountKey, azurite.accountKey.slice(10, 30), "AccountKey", "DefaultEndpointsProtocol"]) {
        assert.ok(!raw.includes(part), `the database holds '${part.slice(0, 12)}…'`);
      }
      assert.equal((await preview()).files[0]?.path, "rows/a.csv");
      assert.equal((await (await openNamedDatastore(ctx.db, ctx.access, "by-key")).ds.read("rows/a.csv")).toString(), "x,y\n1,2\n");
    });

    test("a plaintext secret of an earlier version is read, then re-encrypted on start", { skip }, async () => {
      const plaintext = JSON.stringify({ connectionString: azurite.connectionString });
      await ctx.db.datastore.create({
        data: {
          id: "ds_legacy",
          name: "legacy",
          kind: "azure-blob",
          config: JSON.stringify({ container: "vault", auth: "connection-string" }),
          secret: plaintext,
        },
      });
      assert.equal((await previewDataset(ctx.db, ctx.access, { datastore: "legacy", kind: "file", paths: ["rows/"] })).files.length, 1);
      assert.equal(await encryptLegacySecrets(ctx.db, ctx.access), 1);
      assert.ok(!(await rawSecrets()).includes(azurite.accountKey));
      assert.equal(await encryptLegacySecrets(ctx.db, ctx.access), 0);
      assert.equal((await previewDataset(ctx.db, ctx.access, { datastore: "legacy", kind: "file", paths: ["rows/"] })).files.length, 1);
    });

    test("another key cannot open the secrets; rotation keeps every one readable under the new key only", { skip }, async () => {
      const stranger = { ...ctx.access, secretKey: randomBytes(32) };
      await assert.rejects(
        () => previewDataset(ctx.db, stranger, { datastore: "vault", kind: "file", paths: ["rows/"] }),
        (error: unknown) => error instanceof AppError && /cannot decrypt the secret of datastore vault with this secret key/.test(error.message),
      );
      const before = await rawSecrets();
      const keyFile = join(ctx.env.dataDir, "secret.key");
      const { rotated } = await rotateSecretKey(ctx);
      assert.equal(rotated, 3);
      assert.notEqual(await rawSecrets(), before);
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const rotatedAccess = { ...ctx.access, secretKey: loadOrCreateKeyFile(keyFile) };
      assert.notDeepEqual(rotatedAccess.secretKey, ctx.access.secretKey);
      for (const name of ["vault", "legacy"]) {
        assert.equal((await previewDataset(ctx.db, rotatedAccess, { datastore: name, kind: "file", paths: ["rows/"] })).files.length, 1);
      }
      await assert.rejects(() => preview(), /cannot decrypt/);
      assert.ok(!readFileSync(keyFile, "utf8").includes(ctx.access.secretKey.toString("base64")));
      ctx.access = rotatedAccess;
    });

    test("with PRS_SECRET_KEY, rotation needs the new key given", { skip }, async () => {
      const fromEnv = { ...ctx, env: { ...ctx.env, secretKey: ctx.access.secretKey.toString("base64") } };
      await assert.rejects(() => rotateSecretKey(fromEnv), /PRS_SECRET_KEY is set: give the new key with --new-key/);
      await assert.rejects(() => rotateSecretKey(fromEnv, "c2hvcnQ="), /--new-key must be 32 bytes in base64/);
      const next = randomBytes(32);
      assert.deepEqual(await rotateSecretKey(fromEnv, next.toString("base64")), { rotated: 3 });
      assert.equal((await previewDataset(ctx.db, { ...ctx.access, secretKey: next }, { datastore: "vault", kind: "file", paths: ["rows/"] })).files.length, 1);
    });
  });
}
