import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../../../lib/errors";
import { planFiles } from "../../../lib/planning/files";
import { parseSize } from "../../../lib/pipeline/run-config-rules";
import { syntheticListing } from "../../../lib/planning/synthetic";
import { collect } from "./fixtures";

test("parseSize understands bytes and KB/MB/GB", () => {
  assert.equal(parseSize("1024"), 1024);
  assert.equal(parseSize(4096), 4096);
  assert.equal(parseSize("1024KB"), 1024 * 1024);
  assert.equal(parseSize("10MB"), 10 * 1024 * 1024);
  assert.equal(parseSize("1GB"), 1024 ** 3);
  assert.equal(parseSize(" 1.5 mb "), 1.5 * 1024 * 1024);
  assert.equal(parseSize("100B"), 100);
});

test("parseSize refuses what is not a size", () => {
  for (const bad of ["abc", "0", 0, -5, "-1MB", "10XB", "", "1.5", 2.5, "1e3"]) {
    assert.throws(
      () => parseSize(bad),
      (e: unknown) =>
        e instanceof AppError &&
        e.code === "invalid_input" &&
        e.message === `mini_batch_size '${bad}' is not valid for tabular data: give a size in bytes >= 1 such as 1024, 1024KB, 10MB or 1GB`,
      String(bad),
    );
  }
});

test("planFiles chunks a streamed listing", async () => {
  const batches = await collect(planFiles(syntheticListing(25, { prefix: "mnist/" }), 10));
  assert.deepEqual(
    batches.map((b) => b.length),
    [10, 10, 5],
  );
  assert.equal(batches[0]?.[0], "mnist/00.png");
  assert.equal(batches[2]?.[4], "mnist/24.png");
  assert.deepEqual(await collect(planFiles(syntheticListing(0), 10)), []);
  assert.deepEqual(await collect(planFiles([{ path: "one.png", size: 1 }], 1)), [["one.png"]]);
  await assert.rejects(collect(planFiles(syntheticListing(3), 0)), /mini_batch_size '0' is not valid for file data/);
});
