import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { checkExposure, isLoopbackAddress } from "../../../lib/server/exposure";

/** Issue 9, item 6: the exposure rule `npm start` checks before anything else. */

const dataDir = mkdtempSync(join(tmpdir(), "prs-exposure-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const KEY = Buffer.alloc(32, 7).toString("base64");
const settings = (over: Partial<Parameters<typeof checkExposure>[0]>) => ({ host: "127.0.0.1", port: 3000, dataDir: join(dataDir, "data"), ...over });

describe("the exposure rule", () => {
  test("loopback addresses need nothing more and say the studio is local", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"]) assert.ok(isLoopbackAddress(host), host);
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "studio.example.com", "127.0.0.1.example.com"]) assert.ok(!isLoopbackAddress(host), host);
    const exposure = checkExposure(settings({}));
    assert.equal(exposure.listening, "Parallel Run Studio: listening on 127.0.0.1:3000 (this machine only), open http://127.0.0.1:3000");
    assert.deepEqual(exposure.warnings, []);
  });

  test("any other address without PRS_PUBLIC_URL is one sentence naming the setting and the way back", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.5"]) {
      assert.throws(
        () => checkExposure(settings({ host })),
        (error: Error & { code?: string }) =>
          error.code === "configuration" &&
          error.message.startsWith(`HOST=${host} serves the studio beyond this machine, which needs PRS_PUBLIC_URL`) &&
          error.message.includes("HOST=127.0.0.1 to stay local"),
      );
    }
  });

  test("exposed with PRS_PUBLIC_URL: a secret key is generated in the data folder, readable by its owner only", () => {
    const exposure = checkExposure(settings({ host: "0.0.0.0", publicOrigin: "https://studio.example.com" }));
    const keyFile = join(dataDir, "data", "secret.key");
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64").length, 32);
    assert.equal(exposure.listening, "Parallel Run Studio: listening on 0.0.0.0:3000 (the network), open https://studio.example.com");
    assert.deepEqual(exposure.warnings, []);
    const again = readFileSync(keyFile, "utf8");
    checkExposure(settings({ host: "0.0.0.0", publicOrigin: "https://studio.example.com" }));
    assert.equal(readFileSync(keyFile, "utf8"), again, "the key is kept, not replaced");
  });

  test("PRS_SECRET_KEY is used instead of a file, and must be a valid key", () => {
    const elsewhere = join(dataDir, "with-env-key");
    checkExposure(settings({ host: "::", publicOrigin: "https://studio.example.com", secretKey: KEY, dataDir: elsewhere }));
    assert.throws(() => statSync(join(elsewhere, "secret.key")), /ENOENT/);
    assert.throws(
      () => checkExposure(settings({ host: "::", publicOrigin: "https://s.example", secretKey: "short" })),
      /PRS_SECRET_KEY must be 32 bytes in base64/,
    );
  });

  test("a key file others may read stops the start with the chmod to run", () => {
    const loose = join(dataDir, "loose");
    checkExposure(settings({ host: "0.0.0.0", publicOrigin: "https://s.example", dataDir: loose }));
    chmodSync(join(loose, "secret.key"), 0o644);
    assert.throws(() => checkExposure(settings({ host: "0.0.0.0", publicOrigin: "https://s.example", dataDir: loose })), /chmod 600/);
  });

  test("a public URL that is not https is served, with a warning saying why it should be", () => {
    const exposure = checkExposure(settings({ publicOrigin: "http://studio.lan:3000" }));
    assert.equal(exposure.warnings.length, 1);
    assert.match(exposure.warnings[0] ?? "", /^warning: PRS_PUBLIC_URL http:\/\/studio\.lan:3000 is not https: .*TLS reverse proxy/);
  });
});
