import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEnvironmentFiles, environmentContentHash } from "../../../lib/environments/definition";

const pkg = (deps: Record<string, string>) => JSON.stringify({ name: "e", version: "1.0.0", dependencies: deps });
const lock = (deps: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: { "": { dependencies: deps }, ...Object.fromEntries(Object.entries(deps).map(([n, v]) => [`node_modules/${n}`, { version: v }])), ...extra },
  });

test("a package.json with exact versions and its lock is accepted, packages counted", () => {
  const checked = checkEnvironmentFiles(pkg({ sharp: "0.35.0" }), lock({ sharp: "0.35.0" }, { "node_modules/detect-libc": { version: "2.0.0" } }));
  assert.deepEqual(checked, { dependencies: { sharp: "0.35.0" }, packageCount: 2 });
});

test("ranges, a lock of other versions or packages, old locks and broken JSON are refused, naming what is wrong", () => {
  assert.throws(() => checkEnvironmentFiles(pkg({ sharp: "^0.35.0" }), lock({ sharp: "^0.35.0" })), /'sharp' must have an exact version.*'\^0\.35\.0'/);
  assert.throws(
    () => checkEnvironmentFiles(pkg({ sharp: "0.35.0" }), lock({ sharp: "0.34.0" })),
    /does not match package\.json: 'sharp' is 0\.35\.0 in package\.json but '0\.34\.0'/,
  );
  assert.throws(
    () => checkEnvironmentFiles(pkg({ sharp: "0.35.0" }), lock({ sharp: "0.35.0", other: "1.0.0" })),
    /lists 'other', which package\.json does not/,
  );
  assert.throws(() => checkEnvironmentFiles(pkg({ sharp: "0.35.0" }), JSON.stringify({ lockfileVersion: 1, dependencies: {} })), /lockfileVersion 1/);
  assert.throws(() => checkEnvironmentFiles("{", lock({})), /package\.json is not valid JSON/);
  assert.throws(() => checkEnvironmentFiles(pkg({}), lock({})), /no dependencies/);
});

test("the content hash follows the lock, the trusted scripts and the Node major, not line endings or order", () => {
  const l = lock({ a: "1.0.0" });
  const h = environmentContentHash(l, ["b", "a"], 20);
  assert.equal(environmentContentHash(l.replace(/\n/g, "\r\n"), ["a", "b"], 20), h);
  assert.notEqual(environmentContentHash(l, ["a"], 20), h);
  assert.notEqual(environmentContentHash(l, ["a", "b"], 22), h);
  assert.notEqual(environmentContentHash(lock({ a: "1.0.1" }), ["a", "b"], 20), h);
});
