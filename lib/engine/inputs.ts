import type { Db } from "../db/client";
import type { InputRef } from "../contracts/pipeline";
import { isParamRef } from "../contracts/common";
import { invalid } from "../errors";
import type { TabularOptions } from "../datasets/tabular/options";
import { resolveDataset } from "../catalog/datasets";
import { DEFAULT_DATASTORE } from "../catalog/datastores";
import { isDatastorePath, outputDataKind, type DataKind } from "../pipeline/run-config-rules";
import type { ParameterValues } from "./resolve";

/** A step input made concrete: where its items are and how to read them. */
export interface ResolvedInput {
  name: string;
  kind: DataKind;
  datastore: string;
  patterns: string[];
  options?: TabularOptions;
  /** What identifies the data for allow_reuse (dataset version, or path). */
  identity: string;
}

/** Output of an upstream step as the next step sees it. */
export interface StepOutputRef {
  datastore: string;
  path: string;
  outputAction: "append_row" | "summary_only";
  appendRowFileName: string;
  columns: boolean;
}

/**
 * Resolves an input: a registered dataset ("mnist", "mnist:2"), an ad-hoc datastore path
 * ("datastore://workspace/mnist/0.png"), a dataset parameter, or an upstream step's output.
 */
export async function resolveInput(db: Db, ref: InputRef, params: ParameterValues, upstream: Map<string, StepOutputRef>): Promise<ResolvedInput> {
  if ("step" in ref) {
    const out = upstream.get(ref.step);
    if (!out) throw invalid(`input refers to step '${ref.step}', which has not produced an output`);
    if (outputDataKind(out.outputAction) === "tabular") {
      return {
        name: ref.step,
        kind: "tabular",
        datastore: out.datastore,
        patterns: [`${out.path}/${out.appendRowFileName}`],
        options: { format: "csv", header: out.columns, delimiter: "," } satisfies TabularOptions,
        identity: `step:${out.datastore}/${out.path}`,
      };
    }
    return { name: ref.step, kind: "file", datastore: out.datastore, patterns: [`${out.path}/`], identity: `step:${out.datastore}/${out.path}` };
  }
  let value: string;
  let name: string;
  if (isParamRef(ref)) {
    const v = params[ref.param];
    if (v === undefined) throw invalid(`input is bound to parameter '${ref.param}', which is not defined`);
    value = String(v);
    name = ref.param;
  } else {
    value = ref.dataset;
    name = ref.dataset.split(":")[0]!;
  }
  const adHoc = /^datastore:\/\/([^/]+)\/(.+)$/.exec(value);
  if (adHoc) {
    return { name, kind: "file", datastore: adHoc[1]!, patterns: [adHoc[2]!], identity: `path:${value}` };
  }
  if (isDatastorePath(value)) {
    throw invalid(`'${value}' is not a datastore path: use datastore://<datastore>/<path or glob>, e.g. datastore://${DEFAULT_DATASTORE}/mnist/0.png`);
  }
  const dataset = await resolveDataset(db, value);
  return {
    name,
    kind: dataset.kind,
    datastore: dataset.datastore,
    patterns: dataset.paths,
    options: dataset.options,
    identity: `dataset:${dataset.id}`,
  };
}
