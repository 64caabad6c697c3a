import assert from "node:assert/strict";
import { test } from "node:test";
import { npmErrorSentence } from "../../../lib/environments/npm-errors";

const what = "building environment x:1";

test("a package missing from the registry is named", () => {
  const output = `npm error code E404
npm error 404 Not Found - GET https://registry.npmjs.org/sharpp/-/sharpp-0.35.0.tgz - Not found
npm error 404
npm error 404  The requested resource 'sharpp@0.35.0' could not be found or you do not have permission to access it.
npm error A complete log of this run can be found in: /root/.npm/_logs/x.log`;
  assert.equal(npmErrorSentence(output, what), "package `sharpp` not found in the registry");
  const scoped = "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fnope - Not found\n";
  assert.equal(npmErrorSentence(scoped, what), "package `@acme/nope` not found in the registry");
});

test("a missing version, a checksum, the network and a failed install script each get their sentence", () => {
  assert.equal(
    npmErrorSentence("npm error code ETARGET\nnpm error notarget No matching version found for is-number@99.0.0.\n", what),
    "version 99.0.0 of package `is-number` not found in the registry",
  );
  assert.match(
    npmErrorSentence("npm error code EINTEGRITY\nnpm error sha512-abc integrity checksum failed when using sha512 for sharp@0.35.0\n", what),
    /checksum/,
  );
  assert.match(
    npmErrorSentence("npm error code ENOTFOUND\nnpm error request to https://registry.example.com/x failed, reason: getaddrinfo ENOTFOUND\n", what),
    /^the npm registry https:\/\/registry\.example\.com could not be reached \(ENOTFOUND\)/,
  );
  assert.match(
    npmErrorSentence("npm error code 1\nnpm error path /d/node_modules/sharp\nnpm error command failed\nnpm error command sh -c node install/check.js\n", what),
    /install script of package `sharp` failed/,
  );
  assert.equal(npmErrorSentence("npm error something odd happened\n", what), `${what} failed: something odd happened`);
});
