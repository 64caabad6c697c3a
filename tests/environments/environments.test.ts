import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { EnvironmentCache } from "../../lib/environments/cache";
import { executeRun } from "../../lib/engine/orchestrator";
import { publishPipeline } from "../../lib/services/pipelines";
import { listLogFiles } from "../../lib/services/run-logs";
import { environmentJson, environmentsDir, registerEnvironment, resolveEnvironment } from "../../lib/services/environments";
import { submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { lockedPackage, makeLocalHelper, VERSION_SCRIPT, withMissingPackage } from "./support";

let ctx: TestContext;
let script: string;
before(async () => {
  ctx = await makeItemsContext(4);
  script = makeEntryScript(ctx, "version.mjs", VERSION_SCRIPT);
  makeLocalHelper(join(ctx.env.dataDir, "scripts"));
  const [v7, v6] = await Promise.all([lockedPackage("is-number", "7.0.0"), lockedPackage("is-number", "6.0.0")]);
  await registerEnvironment(ctx.db, { name: "num7", ...pick(v7), variables: { GREETING: "from num7" } });
  await registerEnvironment(ctx.db, { name: "num6", ...pick(v6) });
});
after(async () => ctx.cleanup());

const pick = (f: { packageJson: string; packageLock: string }) => ({ packageJson: f.packageJson, packageLock: f.packageLock });

function step(name: string, environment: unknown, extra: Record<string, unknown> = {}) {
  return {
    name,
    inputs: [{ dataset: "items" }],
    parallel_run_config: {
      entry_script: script,
      mini_batch_size: 2,
      error_threshold: 0,
      output_action: "append_row",
      process_count_per_node: 1,
      run_invocation_timeout: 60,
      environment,
      ...extra,
    },
    allow_reuse: false,
  };
}

async function run(definition: unknown, parameters: Record<string, string> = {}) {
  const pv = await publishPipeline(ctx.db, definition);
  const submitted = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name, parameters });
  const result = await executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "test", flushIntervalMs: 100 }, submitted.id);
  const full = await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: submitted.id }, include: { steps: true } });
  return { ...result, run: full, pipelineVersion: pv.version };
}

const outputOf = (r: Awaited<ReturnType<typeof run>>, stepName: string) => {
  const s = r.run.steps.find((x) => x.stepName === stepName)!;
  return readFileSync(join(s.outputDir, "parallel_run_step.txt"), "utf8");
};
const buildLogOf = (r: Awaited<ReturnType<typeof run>>, stepName: string) =>
  readFileSync(join(r.run.runDir, stepName, "logs", "sys", "environment", "build_log.txt"), "utf8");

test("a step imports a package the studio does not have from its environment, with the environment's variables", async () => {
  const r = await run({ name: "uses-num7", steps: [step("score", "num7")] });
  assert.equal(r.status, "completed", r.reason);
  const out = outputOf(r, "score");
  assert.match(out, /^file,version,isNumber,greeting,helper\n/);
  assert.equal(out.trim().split("\n").length, 5);
  // is-number from the environment; prs-local-helper, which it lacks, from the script's folder.
  for (const line of out.trim().split("\n").slice(1)) assert.match(line, /,7\.0\.0,true,from num7,script folder$/);
  // Built once into the cache, its log shown with the step's logs.
  const view = await resolveEnvironment(ctx.db, "num7");
  const cache = new EnvironmentCache(environmentsDir(ctx.env.dataDir));
  assert.ok(cache.isBuilt(view.contentHash));
  assert.match(buildLogOf(r, "score"), /built now for step score[\s\S]*npm ci --ignore-scripts/);
  assert.equal(environmentJson(view, ctx.env.dataDir).build.state, "built");
  // Without the environment the script cannot find is-number: it never came from elsewhere.
  const bare = await run({ name: "no-env", steps: [step("score", undefined, { error_threshold: -1, run_max_try: 1 })] });
  assert.equal(bare.run.steps[0]!.succeededItems, 0);
});

test("two steps of one pipeline with two versions of one package each see their own; a different environment is not reused", async () => {
  const definition = (second: string) => ({
    name: "two-versions",
    parameters: [{ name: "second_env", type: "string", default: second }],
    steps: [step("with-seven", "num7", { mini_batch_size: 3 }), { ...step("with-six", { param: "second_env" }, { mini_batch_size: 4 }), allow_reuse: true }],
  });
  const first = await run(definition("num6"));
  assert.equal(first.status, "completed", first.reason);
  assert.match(outputOf(first, "with-seven"), /,7\.0\.0,true,from num7,script folder\n/);
  assert.match(outputOf(first, "with-six"), /,6\.0\.0,true,,script folder\n/);
  assert.doesNotMatch(outputOf(first, "with-six"), /7\.0\.0/);
  assert.match(buildLogOf(first, "with-seven"), /taken from this machine's cache/);

  const again = await run(definition("num6"));
  assert.equal(again.run.steps.find((s) => s.stepName === "with-six")!.status, "reused");
  // The same step bound to the other environment is a different step: it runs.
  const other = await run(definition("num6"), { second_env: "num7" });
  const six = other.run.steps.find((s) => s.stepName === "with-six")!;
  assert.equal(six.status, "completed");
  assert.match(outputOf(other, "with-six"), /,7\.0\.0,/);
});

test("a lock naming a missing package fails the step in one sentence; the pipeline runs again with another environment", async () => {
  const bad = withMissingPackage(await lockedPackage("is-number", "7.0.0"), "is-number", "prs-no-such-package-8d1f");
  await registerEnvironment(ctx.db, { name: "broken", ...bad });
  const definition = {
    name: "missing-package",
    parameters: [{ name: "env", type: "string", default: "broken" }],
    steps: [step("score", { param: "env" }, { mini_batch_size: 3, process_count_per_node: 2 })],
  };
  const failed = await run(definition);
  assert.equal(failed.status, "failed");
  assert.match(failed.reason, /environment broken:1 could not be built: package `prs-no-such-package-8d1f` not found in the registry/);
  assert.deepEqual(
    failed.run.steps.map((s) => [s.stepName, s.status]),
    [["score", "failed"]],
  );
  // The run page lists the step's logs, the build log among them.
  const logs = await listLogFiles(ctx.db, failed.run.id);
  assert.ok(logs.some((f) => f.step === "score" && f.path === "sys/environment/build_log.txt"));
  assert.match(readFileSync(join(failed.run.runDir, "score", "logs", "job_result.txt"), "utf8"), /package `prs-no-such-package-8d1f` not found/);
  assert.match(buildLogOf(failed, "score"), /failed to build[\s\S]*E404/);
  const view = await resolveEnvironment(ctx.db, "broken");
  assert.equal(new EnvironmentCache(environmentsDir(ctx.env.dataDir)).isBuilt(view.contentHash), false);
  assert.equal(environmentJson(view, ctx.env.dataDir).build.state, "failed");
  // Nothing of the pipeline changed: the same version runs with another environment bound.
  const fixed = await run(definition, { env: "num7" });
  assert.equal(fixed.pipelineVersion, failed.pipelineVersion);
  assert.equal(fixed.status, "completed", fixed.reason);
  assert.match(outputOf(fixed, "score"), /,7\.0\.0,/);
});

test("a build killed halfway leaves no usable folder, and the next run builds it again", async () => {
  const files = await lockedPackage("is-number", "6.0.0");
  // The same lock with another trusted list is another content hash: a fresh build.
  const { view } = await registerEnvironment(ctx.db, { name: "killed", ...pick(files), trustedScripts: ["is-number"] });
  const root = environmentsDir(ctx.env.dataDir);
  const builder = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import("${join(process.cwd(), "lib/environments/cache.ts")}").then(({ EnvironmentCache }) => new EnvironmentCache(${JSON.stringify(root)}).ensure(${JSON.stringify(
        {
          label: "killed:1",
          packageJson: view.packageJson,
          packageLock: view.packageLock,
          trustedScripts: view.trustedScripts,
          nodeMajor: view.nodeMajor,
          contentHash: view.contentHash,
        },
      )}))`,
    ],
    { detached: true, stdio: "ignore" },
  );
  const log = join(root, "logs", `${view.contentHash}.log`);
  // Killed (with its npm) as soon as npm ci has started in the temporary folder.
  while (!(existsSync(log) && readFileSync(log, "utf8").includes("$ npm ci"))) await new Promise((r) => setTimeout(r, 20));
  process.kill(-builder.pid!, "SIGKILL");
  await new Promise((r) => builder.once("exit", r));
  const cache = new EnvironmentCache(root);
  assert.equal(cache.isBuilt(view.contentHash), false);
  assert.equal(existsSync(join(root, view.contentHash)), false, "no folder under the final name");
  assert.ok(existsSync(join(root, `.${view.contentHash}.lock`)), "the dead builder's lock is left");
  assert.ok(
    readdirSync(root).some((n) => n.startsWith(`.build-${view.contentHash}-`)),
    "its half-built temporary folder is left",
  );

  const r = await run({ name: "after-kill", steps: [step("score", "killed")] });
  assert.equal(r.status, "completed", r.reason);
  assert.match(outputOf(r, "score"), /,6\.0\.0,/);
  assert.match(buildLogOf(r, "score"), /built now/);
  assert.ok(cache.isBuilt(view.contentHash));
  assert.deepEqual(
    readdirSync(root).filter((n) => n.startsWith(".build-") || n.endsWith(".lock")),
    [],
    "the stale lock and the half-built folder are gone",
  );
});
