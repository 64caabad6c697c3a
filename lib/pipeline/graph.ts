import { isParamRef } from "../contracts/common";
import type { PipelineDefinition, StepDefinition } from "../contracts/pipeline";

export interface Problem {
  /** Step name or "pipeline"; the designer keys problems by node. */
  where: string;
  message: string;
}

/** Steps in an order where every step comes after the steps it reads from. */
export function topologicalOrder(steps: StepDefinition[]): StepDefinition[] {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const order: StepDefinition[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (step: StepDefinition, path: string[]) => {
    const s = state.get(step.name);
    if (s === "done") return;
    if (s === "visiting") throw new Error(`cycle: ${[...path, step.name].join(" -> ")}`);
    state.set(step.name, "visiting");
    for (const input of [...step.inputs, ...step.sideInputs]) {
      if ("step" in input) {
        const upstream = byName.get(input.step);
        if (upstream) visit(upstream, [...path, step.name]);
      }
    }
    state.set(step.name, "done");
    order.push(step);
  };
  for (const step of steps) visit(step, []);
  return order;
}

/** Checks what the schema cannot: unique names, references, cycles, parameter bindings. */
export function graphProblems(def: PipelineDefinition): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  const params = new Map(def.parameters.map((p) => [p.name, p]));
  const seenParams = new Set<string>();
  for (const p of def.parameters) {
    if (seenParams.has(p.name)) problems.push({ where: "pipeline", message: `parameter '${p.name}' is defined twice` });
    seenParams.add(p.name);
  }
  for (const step of def.steps) {
    if (names.has(step.name)) problems.push({ where: step.name, message: `step name '${step.name}' is used twice: names are unique in a pipeline` });
    names.add(step.name);
  }
  for (const step of def.steps) {
    for (const input of [...step.inputs, ...step.sideInputs]) {
      if ("step" in input) {
        if (input.step === step.name) problems.push({ where: step.name, message: `step '${step.name}' cannot read its own output` });
        else if (!names.has(input.step)) problems.push({ where: step.name, message: `input refers to step '${input.step}', which is not in the pipeline` });
      }
      if (isParamRef(input)) {
        const p = params.get(input.param);
        if (!p) problems.push({ where: step.name, message: `input is bound to parameter '${input.param}', which is not defined` });
        else if (p.type !== "dataset")
          problems.push({ where: step.name, message: `input is bound to parameter '${input.param}' of type ${p.type}: an input needs a dataset parameter` });
      }
    }
    for (const [field, value] of Object.entries(step.parallelRunConfig)) {
      if (isParamRef(value) && !params.has(value.param)) {
        problems.push({ where: step.name, message: `${field} is bound to parameter '${value.param}', which is not defined` });
      }
    }
    const scorerModel = step.parallelRunConfig.scorer?.model;
    if (scorerModel && isParamRef(scorerModel) && !params.has(scorerModel.param)) {
      problems.push({ where: step.name, message: `scorer model is bound to parameter '${scorerModel.param}', which is not defined` });
    }
    if (!step.parallelRunConfig.entryScript && !step.parallelRunConfig.scorer) {
      problems.push({ where: step.name, message: "needs an entry_script or a built-in scorer" });
    }
  }
  try {
    topologicalOrder(def.steps);
  } catch (error) {
    problems.push({ where: "pipeline", message: `steps form a ${(error as Error).message}` });
  }
  return problems;
}
