import { test } from "node:test";
import assert from "node:assert/strict";
import { compareUtf8, normalizeDatastorePath } from "../../../lib/datastores/paths";
import { compileListPattern } from "../../../lib/datastores/pattern";
import { AppError } from "../../../lib/errors";

test("paths are normalized to 'a/b' form", () => {
  assert.equal(normalizeDatastorePath("a//b/./c"), "a/b/c");
  assert.equal(normalizeDatastorePath("./mnist/"), "mnist");
  assert.equal(normalizeDatastorePath("", { allowRoot: true }), "");
});

test("paths that escape the root are refused with a clear message", () => {
  const cases: [string, RegExp][] = [
    ["../x", /path '\.\.\/x' escapes the datastore root/],
    ["a/../../x", /escapes the datastore root/],
    ["a/..", /escapes the datastore root/],
    ["/etc/passwd", /escapes the datastore root/],
    ["C:/Windows", /escapes the datastore root/],
    ["~/secrets", /escapes the datastore root/],
    ["a\\..\\..\\x", /contains a backslash/],
    ["a\0b", /contains a NUL character/],
  ];
  for (const [path, message] of cases) {
    assert.throws(
      () => normalizeDatastorePath(path),
      (e: unknown) => e instanceof AppError && e.code === "invalid_input" && message.test(e.message),
      path,
    );
  }
});

test("byte order puts 'a.txt' before 'a/b' and astral characters last", () => {
  const names = ["a/b", "a.txt", "a", "\u{1F600}", "\uFFFD", "B"];
  assert.deepEqual([...names].sort(compareUtf8), ["B", "a", "a.txt", "a/b", "\uFFFD", "\u{1F600}"]);
  const bytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...names].sort(compareUtf8), bytes);
});

test("glob patterns get a static prefix and a depth bound", () => {
  const p = compileListPattern("mnist/img_*.png");
  assert.equal(p.baseDir, "mnist");
  assert.equal(p.prefix, "mnist/img_");
  assert.equal(p.maxDepth, 1);
  assert.ok(p.matches("mnist/img_1.png"));
  assert.ok(!p.matches("mnist/sub/img_1.png"));
  const deep = compileListPattern("mnist/**/*.png");
  assert.equal(deep.prefix, "mnist/");
  assert.equal(deep.maxDepth, Infinity);
  assert.ok(deep.matches("mnist/a/b/.hidden.png"));
  const folder = compileListPattern("mnist/");
  assert.ok(folder.matches("mnist/x") && !folder.matches("mnist") && !folder.matches("mnist2/x"));
});
