import { isParamRef, parseVersionedName } from "../contracts/common";
import type { CanvasGraph, CanvasNode, CanvasNodeOf } from "../contracts/canvas";
import { LOCAL_COMPUTE } from "../contracts/parallel-run-config";
import { edgesFrom, edgesInto, nodeById } from "./canvas";
import type { DesignerProblem } from "./validate";

/**
 * What the studio knows of the places a step runs and reads or writes, each undefined when not
 * (yet) known: then nothing is said about it.
 */
export interface PlacementContext {
  /** Agent pools with connected agents; undefined when the agent list is not loaded. */
  pools?: readonly string[];
  /** Kinds of registered datastores by name ("local", "azure-blob"). */
  datastoreKinds?: Record<string, string>;
  /** The datastore each registered dataset lives in, by dataset name. */
  datasetDatastores?: Record<string, string>;
  /** Entry-script folders uploaded for this pipeline, with their files. */
  scriptFolders?: readonly { sourceDirectory: string; files: readonly string[] }[];
}

const DATASTORE_URL = /^datastore:\/\/([^/]+)/;

/** The datastore a dataset node reads from, when it can be told. */
function datasetDatastore(node: CanvasNode | undefined, ctx: PlacementContext): string | undefined {
  if (node?.type !== "dataset" || node.data.mode !== "dataset") return undefined;
  const ref = node.data.dataset.trim();
  const url = DATASTORE_URL.exec(ref);
  if (url) return url[1];
  return ctx.datasetDatastores?.[parseVersionedName(ref).name];
}

/** The datastore a step writes its output to: the connected Output node's, else the default. */
function outputDatastore(graph: CanvasGraph, step: CanvasNodeOf<"step">): string {
  const byId = nodeById(graph);
  const out = edgesFrom(graph, step.id, "output")
    .map((e) => byId.get(e.target))
    .find((n): n is CanvasNodeOf<"output"> => n?.type === "output");
  return out?.data.datastore || "workspace";
}

/**
 * Warnings about where steps run: a pool with no agent connected now (agents may come later), and
 * a step on an agent pool that reads or writes a local-folder datastore, which every agent must
 * then mount at the same path.
 */
export function placementProblems(graph: CanvasGraph, ctx: PlacementContext): DesignerProblem[] {
  const problems: DesignerProblem[] = [];
  const byId = nodeById(graph);
  for (const step of graph.nodes) {
    if (step.type !== "step") continue;
    const target = step.data.parallelRunConfig.computeTarget;
    if (typeof target !== "string" || !target.trim() || target === LOCAL_COMPUTE) continue;
    const pool = target.trim();
    const name = step.data.name || "(unnamed)";
    if (ctx.pools && !ctx.pools.includes(pool)) {
      problems.push({
        nodeId: step.id,
        field: "computeTarget",
        severity: "warning",
        message: `no agent of pool '${pool}' is connected now: the step waits until one starts (npx prs agent --pool ${pool})`,
      });
    }
    if (!ctx.datastoreKinds) continue;
    const isLocal = (ds: string | undefined) => ds !== undefined && ctx.datastoreKinds?.[ds] === "local";
    const output = outputDatastore(graph, step);
    if (isLocal(output)) {
      problems.push({
        nodeId: step.id,
        field: "computeTarget",
        severity: "warning",
        message: `step ${name} runs on pool ${pool} but its output datastore ${output} is a local folder: every agent must mount it at the same path`,
      });
    }
    const inputs = [...edgesInto(graph, step.id, "inputs"), ...edgesInto(graph, step.id, "side_inputs")];
    const read = new Set(inputs.map((e) => datasetDatastore(byId.get(e.source), ctx)).filter(isLocal));
    for (const ds of read) {
      problems.push({
        nodeId: step.id,
        field: "computeTarget",
        severity: "warning",
        message: `step ${name} runs on pool ${pool} but its input datastore ${ds} is a local folder: every agent must mount it at the same path`,
      });
    }
  }
  return problems;
}

/**
 * An entry script the studio cannot find: a source directory uploaded for this pipeline that does
 * not hold the entry file. A folder given by path on the server (the CLI's way) is not checked here.
 */
export function entryScriptProblems(graph: CanvasGraph, ctx: PlacementContext): DesignerProblem[] {
  if (!ctx.scriptFolders) return [];
  const problems: DesignerProblem[] = [];
  for (const step of graph.nodes) {
    if (step.type !== "step") continue;
    const cfg = step.data.parallelRunConfig;
    if (cfg.scorer || isParamRef(cfg.entryScript)) continue;
    const entry = typeof cfg.entryScript === "string" ? cfg.entryScript.trim() : "";
    const dir = typeof cfg.sourceDirectory === "string" ? cfg.sourceDirectory.trim() : "";
    if (!entry || !dir) continue;
    const folder = ctx.scriptFolders.find((f) => f.sourceDirectory === dir);
    if (!folder || folder.files.includes(entry)) continue;
    const scripts = folder.files.filter((f) => /\.(m?js|cjs|ts)$/.test(f)).slice(0, 5);
    problems.push({
      nodeId: step.id,
      field: "entryScript",
      severity: "error",
      message: `entry script '${entry}' is not in the uploaded folder${scripts.length ? `: choose one of ${scripts.join(", ")}` : ""}`,
    });
  }
  return problems;
}
