import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { publicOriginOf } from "../../../lib/env";
import { type GuardConfig, type GuardVerdict, guardRequest, normalizedHost, refusalResponse } from "../../../lib/http/request-guard";
import { BASELINE_SECURITY_HEADERS, newNonce, pageContentSecurityPolicy } from "../../../lib/http/security-headers";

/** Issue 9, item 5: which requests the guard lets through, decided from method and headers alone. */

const LOCAL: GuardConfig = {};
const PUBLIC: GuardConfig = { publicOrigin: "https://studio.example.com" };

function verdict(method: string, headers: Record<string, string>, config = LOCAL, pathname = "/api/datastores"): GuardVerdict {
  return guardRequest({ method, pathname, headers: new Headers(headers) }, config);
}

const statusOf = (v: GuardVerdict) => (v.allowed ? 200 : v.status);

describe("Host (DNS rebinding)", () => {
  test("loopback names pass on any port; any other name is 421 naming the fix", () => {
    for (const host of ["127.0.0.1", "127.0.0.1:3000", "localhost:3100", "LOCALHOST", "[::1]:3000", "[::1]"]) {
      assert.equal(statusOf(verdict("GET", { host })), 200, host);
    }
    for (const host of ["evil.example", "evil.example:3000", "127.0.0.1.evil.example", "localhost.evil.example", "0.0.0.0:3000", "192.168.1.5:3000"]) {
      const v = verdict("GET", { host });
      assert.equal(statusOf(v), 421, host);
      assert.match(v.allowed ? "" : v.message, /does not answer to the Host .*set PRS_PUBLIC_URL/);
    }
  });

  test("names that only parse to a loopback address, and malformed Hosts, are refused", () => {
    for (const host of ["2130706433", "0x7f.0.0.1", "127.1", "user@127.0.0.1", "127.0.0.1/x", "127.0.0.1 evil", "[0:0:0:0:0:0:0:1]", ""]) {
      assert.equal(statusOf(verdict("GET", { host })), 421, JSON.stringify(host));
    }
  });

  test("with PRS_PUBLIC_URL its host passes too (with or without a port), and the 421 names the public URL", () => {
    assert.equal(statusOf(verdict("GET", { host: "studio.example.com" }, PUBLIC)), 200);
    assert.equal(statusOf(verdict("GET", { host: "studio.example.com:443" }, PUBLIC)), 200);
    assert.equal(statusOf(verdict("GET", { host: "127.0.0.1:3000" }, PUBLIC)), 200, "the reverse proxy may pass its upstream address");
    const v = verdict("GET", { host: "other.example.com" }, PUBLIC);
    assert.equal(statusOf(v), 421);
    assert.match(v.allowed ? "" : v.message, /open the studio at https:\/\/studio\.example\.com \(PRS_PUBLIC_URL\)/);
  });

  test("every method and path is checked except health, which orchestrators probe by address", () => {
    for (const method of ["GET", "HEAD", "POST", "DELETE"]) assert.equal(statusOf(verdict(method, { host: "evil.example" }, LOCAL, "/runs")), 421, method);
    assert.equal(statusOf(verdict("GET", { host: "10.0.0.7:3000" }, LOCAL, "/api/health")), 200);
    assert.equal(statusOf(verdict("POST", { host: "10.0.0.7:3000" }, LOCAL, "/api/health/x")), 421);
  });

  test("a request without Host (an in-process call, never a browser) is not refused for it", () => {
    assert.equal(statusOf(verdict("GET", {})), 200);
  });
});

describe("state-changing requests from other origins (CSRF)", () => {
  const host = "127.0.0.1:3000";

  test("POST, PUT, PATCH, DELETE and unknown methods with a foreign Origin are 403; reads are not checked", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"]) {
      const v = verdict(method, { host, origin: "http://evil.example" });
      assert.equal(statusOf(v), 403, method);
      assert.match(v.allowed ? "" : v.message, /another site \(Origin http:\/\/evil\.example\)/);
    }
    for (const method of ["GET", "HEAD", "OPTIONS"]) assert.equal(statusOf(verdict(method, { host, origin: "http://evil.example" })), 200, method);
  });

  test("the studio's own origin passes; another port, scheme-less or opaque origins do not", () => {
    assert.equal(statusOf(verdict("POST", { host, origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" })), 200);
    assert.equal(statusOf(verdict("POST", { host: "localhost", origin: "http://localhost:80" })), 200, "default port");
    for (const origin of ["http://127.0.0.1:8080", "http://localhost:3000", "null", "file://", "127.0.0.1:3000", "http://127.0.0.1:3000.evil.example"]) {
      assert.equal(statusOf(verdict("POST", { host, origin })), 403, origin);
    }
  });

  test("Sec-Fetch-Site cross-site or same-site (another port) is 403 even without Origin", () => {
    for (const site of ["cross-site", "same-site", "CROSS-SITE"]) assert.equal(statusOf(verdict("POST", { host, "sec-fetch-site": site })), 403, site);
    for (const site of ["same-origin", "none"]) assert.equal(statusOf(verdict("POST", { host, "sec-fetch-site": site })), 200, site);
    assert.equal(statusOf(verdict("POST", { host, origin: "http://127.0.0.1:3000", "sec-fetch-site": "cross-site" })), 403);
  });

  test("requests with neither Origin nor Sec-Fetch-Site (CLI, curl, scripts) pass", () => {
    assert.equal(statusOf(verdict("POST", { host })), 200);
    assert.equal(statusOf(verdict("DELETE", {})), 200);
  });

  test("behind a reverse proxy: the public origin passes whatever Host the proxy forwards", () => {
    const origin = "https://studio.example.com";
    assert.equal(statusOf(verdict("POST", { host: "127.0.0.1:3000", origin, "sec-fetch-site": "same-origin" }, PUBLIC)), 200);
    assert.equal(statusOf(verdict("POST", { host: "studio.example.com", origin }, PUBLIC)), 200);
    assert.equal(statusOf(verdict("POST", { host: "studio.example.com", origin: "http://studio.example.com" }, PUBLIC)), 403, "http is another origin");
    assert.equal(statusOf(verdict("POST", { host: "127.0.0.1:3000", origin: "https://evil.example" }, PUBLIC)), 403);
  });

  test("a refusal is a JSON answer like every API error", async () => {
    const v = verdict("POST", { host, origin: "http://evil.example" });
    assert.ok(!v.allowed);
    const res = refusalResponse(v);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.deepEqual(Object.keys(await res.json()), ["error", "code"]);
  });
});

describe("host parsing and PRS_PUBLIC_URL", () => {
  test("normalizedHost keeps hostname and port in lower case and rejects what is not a plain host", () => {
    assert.equal(normalizedHost("LocalHost:3000"), "localhost:3000");
    assert.equal(normalizedHost("[::1]:3000"), "[::1]:3000");
    assert.equal(normalizedHost(null), undefined);
    assert.equal(normalizedHost("a b"), undefined);
  });

  test("PRS_PUBLIC_URL is an http(s) origin at the root; anything else is a configuration error naming it", () => {
    assert.equal(publicOriginOf("https://Studio.Example.com/"), "https://studio.example.com");
    assert.equal(publicOriginOf("http://studio.example.com:8080"), "http://studio.example.com:8080");
    assert.throws(() => publicOriginOf("studio.example.com"), /PRS_PUBLIC_URL 'studio.example.com' is not a URL/);
    assert.throws(() => publicOriginOf("ftp://studio.example.com"), /must start with https:\/\//);
    assert.throws(() => publicOriginOf("https://studio.example.com/prs"), /at the root of its host\), such as https:\/\/studio\.example\.com\./);
    assert.throws(() => publicOriginOf("https://u:p@studio.example.com"), /only scheme, host and port/);
  });
});

describe("security headers", () => {
  test("a page's policy allows scripts only from the studio and with this response's nonce; nothing may frame it", () => {
    const nonce = newNonce();
    assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
    assert.notEqual(newNonce(), nonce);
    const policy = pageContentSecurityPolicy(nonce, { dev: false });
    assert.match(policy, new RegExp(`script-src 'self' 'nonce-${nonce.replace(/[+/]/g, "\\$&")}' 'strict-dynamic';`));
    assert.doesNotMatch(policy, /unsafe-eval/);
    assert.match(policy, /connect-src 'self'/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.match(pageContentSecurityPolicy(nonce, { dev: true }), /'unsafe-eval'/);
  });

  test("every response gets nosniff, DENY framing, a same-origin referrer policy and a policy that runs nothing", () => {
    const headers = Object.fromEntries(BASELINE_SECURITY_HEADERS.map((h) => [h.key, h.value]));
    assert.equal(headers["x-content-type-options"], "nosniff");
    assert.equal(headers["x-frame-options"], "DENY");
    assert.equal(headers["referrer-policy"], "same-origin");
    assert.match(headers["content-security-policy"] ?? "", /^default-src 'none';.*frame-ancestors 'none'/);
    for (const { key } of BASELINE_SECURITY_HEADERS) assert.equal(key, key.toLowerCase(), "lower case, so the page policy replaces it");
  });
});
