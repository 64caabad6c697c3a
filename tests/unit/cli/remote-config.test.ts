import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { configFile, readLogin, remoteTarget, removeLogin, saveLogin, serverOrigin } from "../../../cli/remote/config";
import { sseMessages } from "../../../cli/remote/watch";

describe("prs login's stored server and token", () => {
  const home = mkdtempSync(join(tmpdir(), "prs-cli-config-"));
  after(() => rmSync(home, { recursive: true, force: true }));
  const env = { XDG_CONFIG_HOME: join(home, "xdg") };

  test("lives in $XDG_CONFIG_HOME/prs/config.json, else ~/.config/prs/config.json", () => {
    assert.equal(configFile(env), join(home, "xdg", "prs", "config.json"));
    assert.equal(configFile({ HOME: home }), join(home, ".config", "prs", "config.json"));
  });

  test("is written 0600 in a 0700 folder, read back, and removed by logout", () => {
    const file = saveLogin({ server: "http://127.0.0.1:3000", token: "prs_secret" }, env);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(file, "..")).mode & 0o777, 0o700);
    assert.deepEqual(readLogin(env), { server: "http://127.0.0.1:3000", token: "prs_secret" });
    assert.deepEqual(remoteTarget(false, env), { server: "http://127.0.0.1:3000", token: "prs_secret", source: "login" });
    assert.equal(remoteTarget(true, env), undefined, "--local ignores the login");
    assert.equal(removeLogin(env), true);
    assert.equal(readLogin(env), undefined);
    assert.equal(removeLogin(env), false);
  });

  test("PRS_SERVER and PRS_TOKEN take the place of the file", () => {
    saveLogin({ server: "http://127.0.0.1:3000", token: "stored" }, env);
    assert.deepEqual(remoteTarget(false, { ...env, PRS_SERVER: "studio.example.com", PRS_TOKEN: "from-env" }), {
      server: "http://studio.example.com",
      token: "from-env",
      source: "environment",
    });
  });

  test("a damaged file is a configuration error that says what to do", () => {
    writeFileSync(configFile(env), "{ not json");
    assert.throws(() => readLogin(env), /config\.json is not valid JSON: run prs logout, then prs login again/);
    writeFileSync(configFile(env), JSON.stringify({ server: "x" }));
    assert.throws(() => readLogin(env), /does not hold a server and a token/);
    assert.match(readFileSync(configFile(env), "utf8"), /server/);
  });

  test("server addresses: a bare host gets http://, paths are dropped, credentials and other schemes refused", () => {
    assert.equal(serverOrigin("https://studio.example.com/runs"), "https://studio.example.com");
    assert.equal(serverOrigin("127.0.0.1:3000"), "http://127.0.0.1:3000");
    assert.throws(() => serverOrigin("ftp://studio"), /must start with https:\/\/ or http:\/\//);
    assert.throws(() => serverOrigin("https://me:pw@studio"), /must not hold a user name or password/);
    assert.throws(() => serverOrigin("http://"), /is not a server address/);
  });
});

describe("the SSE reader of prs submit --wait", () => {
  test("splits messages across chunk boundaries, joins multi-line data, keeps ids, skips heartbeats", async () => {
    const text = ': heartbeat\n\nid: 1\ndata: {"a":\ndata: 1}\n\nretry: 3000\n\nid: 2\r\ndata: {"b":2}\r\n\r\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const messages = [];
    for await (const m of sseMessages(body)) messages.push(m);
    assert.deepEqual(messages, [
      { id: "1", data: '{"a":\n1}' },
      { id: "2", data: '{"b":2}' },
    ]);
  });
});
