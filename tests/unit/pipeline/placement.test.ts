import assert from "node:assert/strict";
import { test } from "node:test";
import { entryScriptProblems, placementProblems } from "../../../lib/pipeline/placement";
import { edge, makeDatasetNode, makeOutputNode, makeStepNode } from "./fixtures";

const kinds = { workspace: "local", blobs: "azure-blob", shared: "local" };

function remoteStep(target: string | undefined, outputStore = "workspace", dataset = "mnist") {
  const input = makeDatasetNode({ dataset });
  const step = makeStepNode("score-remote", target ? { computeTarget: target } : {});
  const output = makeOutputNode({ datastore: outputStore });
  return { graph: { nodes: [input, step, output], edges: [edge(input, "data", step, "inputs"), edge(step, "output", output, "in")] }, step };
}

test("a step on a pool with no agent connected is a warning naming the pool; local and known pools are not", () => {
  const { graph, step } = remoteStep("gpu", "blobs", "datastore://blobs/images/");
  assert.deepEqual(placementProblems(graph, { pools: [], datastoreKinds: kinds }), [
    {
      nodeId: step.id,
      field: "computeTarget",
      severity: "warning",
      message: "no agent of pool 'gpu' is connected now: the step waits until one starts (npx prs agent --pool gpu)",
    },
  ]);
  assert.deepEqual(placementProblems(graph, { pools: ["gpu"], datastoreKinds: kinds }), []);
  assert.deepEqual(placementProblems(remoteStep("local").graph, { pools: [], datastoreKinds: kinds }), []);
  assert.deepEqual(placementProblems(remoteStep(undefined).graph, { pools: [], datastoreKinds: kinds }), []);
  // Agents not known yet: nothing said about the pool.
  assert.deepEqual(placementProblems(graph, { datastoreKinds: kinds }), []);
});

test("a step on a pool that writes to or reads from a local folder is warned about, naming step, pool and datastore", () => {
  const { graph } = remoteStep("gpu", "workspace", "mnist");
  const messages = placementProblems(graph, { pools: ["gpu"], datastoreKinds: kinds, datasetDatastores: { mnist: "shared" } }).map((p) => [
    p.severity,
    p.message,
  ]);
  assert.deepEqual(messages, [
    ["warning", "step score-remote runs on pool gpu but its output datastore workspace is a local folder: every agent must mount it at the same path"],
    ["warning", "step score-remote runs on pool gpu but its input datastore shared is a local folder: every agent must mount it at the same path"],
  ]);
  // Blob on both sides: nothing to mount.
  const blob = remoteStep("gpu", "blobs", "datastore://blobs/mnist/");
  assert.deepEqual(placementProblems(blob.graph, { pools: ["gpu"], datastoreKinds: kinds }), []);
  // A step without an Output node writes to the default datastore, workspace (a local folder).
  const bare = makeStepNode("no-output", { computeTarget: "gpu" });
  assert.match(
    placementProblems({ nodes: [bare], edges: [] }, { pools: ["gpu"], datastoreKinds: kinds })[0]!.message,
    /output datastore workspace is a local folder/,
  );
});

test("an entry script not in the uploaded folder is an error listing the scripts there; a server folder is not checked", () => {
  const folder = { sourceDirectory: "/data/scripts/pl_1/2026", files: ["lib/helper.mjs", "README.md", "score.mjs"] };
  const step = makeStepNode("score-items", { scorer: undefined, sourceDirectory: folder.sourceDirectory, entryScript: "scorer.mjs" });
  assert.deepEqual(entryScriptProblems({ nodes: [step], edges: [] }, { scriptFolders: [folder] }), [
    {
      nodeId: step.id,
      field: "entryScript",
      severity: "error",
      message: "entry script 'scorer.mjs' is not in the uploaded folder: choose one of lib/helper.mjs, score.mjs",
    },
  ]);
  const fine = makeStepNode("score-items", { scorer: undefined, sourceDirectory: folder.sourceDirectory, entryScript: "score.mjs" });
  assert.deepEqual(entryScriptProblems({ nodes: [fine], edges: [] }, { scriptFolders: [folder] }), []);
  const elsewhere = makeStepNode("score-items", { scorer: undefined, sourceDirectory: "/srv/scripts", entryScript: "anything.mjs" });
  assert.deepEqual(entryScriptProblems({ nodes: [elsewhere], edges: [] }, { scriptFolders: [folder] }), []);
});
