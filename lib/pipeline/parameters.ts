import { isParamRef } from "../contracts/common";
import type { CanvasGraph, CanvasNode, CanvasNodeOf } from "../contracts/canvas";
import { CONFIG_FIELDS, type ConfigFieldKey } from "./config-fields";

/** One field of a step bound to a pipeline parameter, as a badge on the step shows it. */
export interface ParameterBinding {
  /** The field as Azure users name it: mini_batch_size, scorer.model, arguments[0]. */
  field: string;
  param: string;
}

/** Every binding of one step: ParallelRunConfig fields, the scorer's model, the arguments. */
export function stepBindings(step: CanvasNodeOf<"step">): ParameterBinding[] {
  const out: ParameterBinding[] = [];
  for (const [key, value] of Object.entries(step.data.parallelRunConfig)) {
    if (isParamRef(value)) out.push({ field: CONFIG_FIELDS[key as ConfigFieldKey]?.snake ?? key, param: value.param });
    if (key === "scorer" && value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) if (isParamRef(v)) out.push({ field: `scorer.${k}`, param: v.param });
  }
  for (const [i, arg] of step.data.arguments.entries()) if (isParamRef(arg)) out.push({ field: `arguments[${i}]`, param: arg.param });
  return out;
}

/** The name a node declares as a parameter, if it is one (a Parameter node or a Dataset parameter). */
export function declaredParameter(node: CanvasNode): string | undefined {
  if (node.type === "parameter") return node.data.name;
  if (node.type === "dataset" && node.data.mode === "parameter") return node.data.parameterName;
  return undefined;
}

const rebind = (value: unknown, from: string, to: string): unknown => (isParamRef(value) && value.param === from ? { param: to } : value);

function rebindStep(step: CanvasNodeOf<"step">, from: string, to: string): CanvasNodeOf<"step"> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step.data.parallelRunConfig)) {
    if (key === "scorer" && value && typeof value === "object" && !Array.isArray(value)) {
      config[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebind(v, from, to)]));
    } else config[key] = rebind(value, from, to);
  }
  return {
    ...step,
    data: { ...step.data, parallelRunConfig: config, arguments: step.data.arguments.map((a) => rebind(a, from, to) as typeof a) },
  };
}

/**
 * Renames the parameter a node declares and every binding to it, so a step never stays bound to
 * the old name. Bindings move only while no other node still declares the old name (two nodes
 * with one name is a problem the designer shows; renaming one of them must not steal the other's).
 */
export function renameParameter(graph: CanvasGraph, nodeId: string, name: string): CanvasGraph {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const from = node ? declaredParameter(node) : undefined;
  if (!node || from === undefined) return graph;
  const stillDeclared = graph.nodes.some((n) => n.id !== nodeId && declaredParameter(n) === from);
  const move = from !== "" && from !== name && !stillDeclared;
  const nodes = graph.nodes.map((n): CanvasNode => {
    if (n.id === nodeId)
      return n.type === "parameter" ? { ...n, data: { ...n.data, name } } : n.type === "dataset" ? { ...n, data: { ...n.data, parameterName: name } } : n;
    return move && n.type === "step" ? rebindStep(n, from, name) : n;
  });
  return { ...graph, nodes };
}
