import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { lookupUser, resolveWorkerUser, unreadableBy } from "../../../lib/engine/worker-user";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nprs:x:990:985::/home/prs:/bin/sh\n";

describe("the worker user (PRS_WORKER_USER)", () => {
  test("as root: nobody by default, a named or numeric user, none for '' and 'same'", () => {
    const read = () => PASSWD;
    assert.deepEqual(resolveWorkerUser(undefined, 0, read), { name: "nobody", uid: 65534, gid: 65534 });
    assert.deepEqual(resolveWorkerUser("prs", 0, read), { name: "prs", uid: 990, gid: 985 });
    assert.deepEqual(resolveWorkerUser("990", 0, read), { name: "prs", uid: 990, gid: 985 });
    assert.equal(resolveWorkerUser("", 0, read), undefined);
    assert.equal(resolveWorkerUser("same", 0, read), undefined);
  });

  test("not root: workers stay the studio's user whatever the setting", () => {
    assert.equal(
      resolveWorkerUser("nobody", 1000, () => PASSWD),
      undefined,
    );
  });

  test("an unknown user or root is a configuration error naming the setting", () => {
    assert.throws(() => resolveWorkerUser("ghost", 0, () => PASSWD), /PRS_WORKER_USER 'ghost' is not a user of this machine .*PRS_WORKER_USER=same/);
    assert.throws(() => resolveWorkerUser("root", 0, () => PASSWD), /PRS_WORKER_USER 'root' is root/);
    assert.equal(lookupUser("ghost", PASSWD), undefined);
  });

  describe("what the worker user can reach, by mode bits", () => {
    const dir = mkdtempSync(join(tmpdir(), "prs-worker-user-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const nobody = { name: "nobody", uid: 65534, gid: 65534 };

    test("a 0700 folder on the way is named; 0711 lets it pass; a 0600 file is not readable", () => {
      const scripts = join(dir, "scripts");
      mkdirSync(scripts);
      writeFileSync(join(scripts, "score.mjs"), "export function run(b) { return b; }");
      chmodSync(join(scripts, "score.mjs"), 0o644);
      chmodSync(dir, 0o700);
      assert.match(unreadableBy(nobody, join(scripts, "score.mjs")) ?? "", /the folder .*prs-worker-user-\w+ \(mode 700\) does not let nobody pass/);
      chmodSync(dir, 0o711);
      assert.equal(unreadableBy(nobody, join(scripts, "score.mjs")), undefined);
      chmodSync(join(scripts, "score.mjs"), 0o600);
      assert.match(unreadableBy(nobody, join(scripts, "score.mjs")) ?? "", /score\.mjs \(mode 600\) is not readable by nobody/);
      assert.equal(unreadableBy(undefined, join(scripts, "score.mjs")), undefined, "no worker user: nothing to check");
    });
  });
});
