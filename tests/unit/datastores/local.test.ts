import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, symlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { openDatastore } from "../../../lib/datastores/index";
import { compareUtf8 } from "../../../lib/datastores/paths";
import { AppError } from "../../../lib/errors";
import { collect, makeFolder, sampleTree } from "./fixtures";

const paths = async (it: AsyncIterable<{ path: string }>) => (await collect(it)).map((e) => e.path);

test("local datastore lists folders, files and globs in byte order", async () => {
  const folder = await makeFolder(sampleTree);
  try {
    const ds = openDatastore("local", { root: folder.root });
    const all = await paths(ds.list(""));
    assert.deepEqual(all, Object.keys(sampleTree).sort(compareUtf8));
    assert.deepEqual(all.slice(0, 3), ["a b/c.csv", "mnist.txt", "mnist/0.png"]);

    const below = ["mnist/0.png", "mnist/1.png", "mnist/notes.txt", "mnist/sub/2.png", "mnist/sub/deeper/3.png"];
    assert.deepEqual(await paths(ds.list("mnist/")), below);
    assert.deepEqual(await paths(ds.list("mnist")), below, "a folder without '/' lists everything below it, not mnist2 or mnist.txt");
    assert.deepEqual(await paths(ds.list("mnist/*.png")), ["mnist/0.png", "mnist/1.png"]);
    assert.deepEqual(await paths(ds.list("mnist/**/*.png")), ["mnist/0.png", "mnist/1.png", "mnist/sub/2.png", "mnist/sub/deeper/3.png"]);
    assert.deepEqual(await paths(ds.list("**/*.png")), ["mnist/0.png", "mnist/1.png", "mnist/sub/2.png", "mnist/sub/deeper/3.png", "mnist2/4.png"]);
    assert.deepEqual(
      (await collect(ds.list("mnist/1.png"))).map(({ path, size }) => ({ path, size })),
      [{ path: "mnist/1.png", size: 4 }],
    );
    assert.deepEqual(await paths(ds.list("./a b/")), ["a b/c.csv"]);
  } finally {
    await folder.remove();
  }
});

test("a pattern matching nothing lists nothing; a missing file is not found", async () => {
  const folder = await makeFolder(sampleTree);
  try {
    const ds = openDatastore("local", { root: folder.root });
    assert.deepEqual(await paths(ds.list("nothing/here/")), []);
    assert.deepEqual(await paths(ds.list("mnist/*.jpg")), []);
    assert.equal(await ds.stat("mnist/9.png"), undefined);
    assert.equal(await ds.stat("mnist"), undefined, "a folder is not a file");
    await assert.rejects(
      ds.read("mnist/9.png"),
      (e: unknown) => e instanceof AppError && e.code === "not_found" && e.message === "file 'mnist/9.png' not found in datastore",
    );
    await assert.rejects(ds.readRange("nope.csv", 0, 10), /file 'nope.csv' not found in datastore/);
    await assert.rejects(collect(ds.createReadStream("nope.csv")), /file 'nope.csv' not found in datastore/);
  } finally {
    await folder.remove();
  }
});

test("every operation refuses paths that escape the root", async () => {
  const folder = await makeFolder(sampleTree);
  try {
    const ds = openDatastore("local", { root: join(folder.root, "mnist") });
    const escapes = (e: unknown) => e instanceof AppError && e.code === "invalid_input" && /escapes the datastore root/.test(e.message);
    await assert.rejects(ds.read("../mnist.txt"), escapes);
    await assert.rejects(ds.stat("/etc/passwd"), escapes);
    await assert.rejects(ds.write("../evil.txt", "x"), escapes);
    await assert.rejects(collect(ds.list("../**")), escapes);
    await assert.rejects(ds.materialize(["../mnist.txt"], "/tmp"), escapes);
    assert.throws(() => ds.localPath("a/../../x"), escapes);
    await assert.rejects(ds.read("sub\\..\\..\\mnist.txt"), /backslash/);
  } finally {
    await folder.remove();
  }
});

test("symbolic links: inside the root they are followed, out of it they are refused", async () => {
  const folder = await makeFolder(sampleTree);
  const outside = await makeFolder({ "secret.txt": "not yours" });
  try {
    const root = join(folder.root, "mnist");
    symlinkSync(join(outside.root, "secret.txt"), join(root, "leak.png"));
    symlinkSync(outside.root, join(root, "elsewhere"));
    symlinkSync(join(root, "0.png"), join(root, "alias.png"));
    const ds = openDatastore("local", { root });
    const escapes = (e: unknown) =>
      e instanceof AppError && e.code === "invalid_input" && /'leak\.png' escapes the datastore root through a symbolic link/.test(e.message);
    assert.deepEqual(await paths(ds.list("*.png")), ["0.png", "1.png", "alias.png"], "the link out of the root is not listed; the one inside is");
    await assert.rejects(ds.read("leak.png"), escapes);
    await assert.rejects(ds.stat("leak.png"), escapes);
    await assert.rejects(collect(ds.list("leak.png")), escapes);
    await assert.rejects(ds.readRange("leak.png", 0, 3), escapes);
    assert.throws(() => ds.createReadStream("leak.png"), escapes);
    await assert.rejects(ds.read("elsewhere/secret.txt"), /escapes the datastore root through a symbolic link/);
    await assert.rejects(ds.write("elsewhere/new.txt", "x"), /escapes the datastore root through a symbolic link/);
    assert.equal(existsSync(join(outside.root, "new.txt")), false, "nothing was written out of the root");
    assert.equal((await ds.read("alias.png")).toString(), (await ds.read("0.png")).toString());
  } finally {
    await folder.remove();
    await outside.remove();
  }
});

test("reads whole files, ranges and streams; writes create folders", async () => {
  const folder = await makeFolder(sampleTree);
  try {
    const ds = openDatastore("local", { root: folder.root });
    assert.equal((await ds.read("mnist/sub/2.png")).toString(), "two..");
    assert.equal((await ds.readRange("mnist.txt", 6, 12)).toString(), "before");
    assert.equal((await ds.readRange("mnist.txt", 30, 100)).toString(), "der", "a range past the end is cut short");
    assert.equal(Buffer.concat(await collect(ds.createReadStream("mnist.txt", { start: 0, end: 5 }))).toString(), "sorts");
    await assert.rejects(ds.readRange("mnist.txt", 5, 2), /is not valid/);

    await ds.write("out/new/a.txt", "text");
    await ds.write("out/b.bin", Buffer.from([1, 2, 3]));
    await ds.write("out/c.txt", Readable.from([Buffer.from("str"), Buffer.from("eam")]));
    assert.equal(await readFile(join(folder.root, "out/new/a.txt"), "utf8"), "text");
    assert.deepEqual(await paths(ds.list("out")), ["out/b.bin", "out/c.txt", "out/new/a.txt"]);
    assert.equal((await ds.read("out/c.txt")).toString(), "stream");

    assert.equal(await ds.removeFolder("out"), 3, "removeFolder counts the files it removed, nested ones too");
    assert.equal(existsSync(join(folder.root, "out")), false);
    assert.equal(await ds.removeFolder("out"), 0, "a folder that is not there removes nothing");
    await assert.rejects(ds.removeFolder(""), /does not name a file/, "never the whole datastore");
    await assert.rejects(ds.removeFolder("../x"), /escapes the datastore root/);
    assert.ok(existsSync(join(folder.root, "mnist/0.png")), "the rest of the datastore is left alone");

    const local = await ds.materialize(["mnist/0.png", "a b/c.csv"], "/unused");
    assert.deepEqual(local, [join(folder.root, "mnist/0.png"), join(folder.root, "a b/c.csv")]);
    assert.equal(ds.localPath("mnist/0.png"), join(folder.root, "mnist/0.png"));
  } finally {
    await folder.remove();
  }
});

test("listing streams: the first entry arrives before the walk ends and can be cancelled", async () => {
  const files: Record<string, string> = {};
  for (let d = 0; d < 20; d++) for (let f = 0; f < 50; f++) files[`d${String(d).padStart(2, "0")}/f${f}.txt`] = "x";
  const folder = await makeFolder(files);
  try {
    const ds = openDatastore("local", { root: folder.root });
    const iterator = ds.list("")[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.value?.path, "d00/f0.txt");
    await iterator.return?.();

    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of ds.list("**", { signal: controller.signal })) if (++seen === 100) controller.abort();
      })(),
      { name: "AbortError" },
    );
    assert.ok(seen < 200, `stopped soon after abort (saw ${seen})`);
  } finally {
    await folder.remove();
  }
});

test("settings are validated with clear messages", () => {
  assert.throws(() => openDatastore("s3", {}), /datastore kind 's3' is not known: use 'local' or 'azure-blob'/);
  assert.throws(() => openDatastore("local", {}), /local datastore settings are not valid: root/);
});
