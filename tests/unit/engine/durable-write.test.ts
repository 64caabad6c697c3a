import assert from "node:assert/strict";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureWritableFolder, StorageError, writeFileDurably, writeFully, writeTextDurably } from "../../../lib/fs/durable-write";
import type { PartMeta } from "../../../lib/engine/protocol";
import { mergeRecords, scanSegments, SegmentWriter } from "../../../lib/engine/segments";
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from "../../support/tmpfs";

const skip = tmpfsUnavailable();

const meta = (idx: number): PartMeta => ({
  idx,
  attempt: 1,
  itemCount: 1,
  succeeded: 1,
  failed: 0,
  columns: ["file", "value"],
  itemErrors: [],
  runSeconds: 0,
  totalSeconds: 0,
});

/** Fills the file system but `leaveKb` with one file, so the next writes run out of space part-way. */
function fill(fs: Tmpfs, leaveKb: number): string {
  const filler = join(fs.dir, "filler.bin");
  const fd = openSync(filler, "w");
  try {
    const block = Buffer.alloc(4096, 1);
    for (;;) {
      try {
        writeFully(fd, block);
      } catch {
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
  const size = statSync(filler).size;
  writeFileSync(filler, Buffer.alloc(Math.max(0, size - leaveKb * 1024), 1));
  return filler;
}

describe("complete writes on a real full file system (tmpfs)", { skip }, () => {
  let fs: Tmpfs;
  before(() => {
    fs = mountTmpfs(256);
  });
  after(() => fs?.unmount());

  test("a file that does not fit fails with the sentence and never appears under its final name", () => {
    const file = join(fs.dir, "results", "out.csv");
    writeTextDurably(file, "old,complete\n", "store/results/out.csv");
    const filler = fill(fs, 16);
    assert.throws(
      () => writeFileDurably(file, "store/results/out.csv", (fd) => writeFully(fd, Buffer.alloc(64 * 1024, 65)), "output folder"),
      (e: unknown) => e instanceof StorageError && e.message === "no space left on device writing store/results/out.csv" && e.errno === "ENOSPC",
    );
    assert.equal(readFileSync(file, "utf8"), "old,complete\n", "the earlier whole file is left as it was");
    assert.deepEqual(readdirSync(join(fs.dir, "results")), ["out.csv"], "no temporary file is left behind");
    rmSync(filler);
    writeFileDurably(file, "store/results/out.csv", (fd) => writeFully(fd, Buffer.alloc(64 * 1024, 65)));
    assert.equal(statSync(file).size, 64 * 1024);
  });

  test("a segment record cut short by a full disk is removed; earlier and later records stay readable", () => {
    const dir = join(fs.dir, "segments");
    const writer = new SegmentWriter(join(dir, "0-0-1.seg"));
    writer.append(meta(0), "a,1\n");
    const filler = fill(fs, 8);
    const sizeBefore = statSync(writer.file).size;
    assert.throws(
      () => writer.append(meta(1), `${"x".repeat(32 * 1024)}\n`),
      (e: unknown) => e instanceof StorageError && /^no space left on device writing .*0-0-1\.seg$/.test(e.message),
    );
    assert.equal(statSync(writer.file).size, sizeBefore, "the partial record was cut off");
    rmSync(filler);
    const later = writer.append(meta(2), "c,3\n");
    writer.close();
    const found = scanSegments(dir);
    assert.deepEqual([...found.keys()], [0, 2]);
    const merged = mergeRecords(
      [...found.values()].map((r) => ({ location: r, columns: r.meta.columns, rows: 1 })),
      join(fs.dir, "merged.csv"),
    );
    assert.equal(readFileSync(join(fs.dir, "merged.csv"), "utf8"), "file,value\na,1\nc,3\n");
    assert.equal(merged.bytes, statSync(join(fs.dir, "merged.csv")).size);
    assert.equal(later.length, 4);
  });

  test("a read-only folder is named as such, not as a raw EROFS", () => {
    const probe = mountTmpfs(16);
    try {
      probe.readOnly(true);
      assert.throws(() => ensureWritableFolder(join(probe.dir, "results"), "ro/results", "output folder"), {
        message: "output folder ro/results is read-only (read-only file system)",
      });
      assert.throws(() => ensureWritableFolder(probe.dir, "ro", "output folder"), { message: "output folder ro is read-only (read-only file system)" });
    } finally {
      probe.unmount();
    }
  });

  test("a folder under a file does not exist and cannot be created, and says so", () => {
    writeFileSync(join(fs.dir, "plain-file"), "x");
    assert.throws(
      () => ensureWritableFolder(join(fs.dir, "plain-file", "results"), "store/plain-file/results", "output folder"),
      (e: unknown) =>
        e instanceof StorageError && e.message.startsWith("output folder store/plain-file/results does not exist and could not be created (ENOTDIR"),
    );
    assert.ok(!existsSync(join(fs.dir, "plain-file", "results")));
  });
});
