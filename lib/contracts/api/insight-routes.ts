import { z } from "zod";
import { OutputPageJson, RunComparisonJson, RunGraphJson, SORT_ORDERS, StepTimingJson } from "../run-insights";
import { intQuery, requiredTextQuery, textQuery } from "./query";
import { defineRoute } from "./route-def";

/** The run page's graph, timings, output table, gallery thumbnails and run comparison (spread into `routes`). */

const RunId = z.object({ runId: z.string().meta({ description: "Run id (run_…)" }) });
const stepQuery = textQuery("step", 64).meta({ description: "Step name (default: the last step with an output)" });
const order = z.enum(SORT_ORDERS, { error: (issue) => `order must be asc or desc, got '${String(issue.input).slice(0, 40)}'` }).optional();
const Compare = z.object({
  a: requiredTextQuery("a", "Add ?a=<run id>&b=<run id> to compare two runs", 64),
  b: requiredTextQuery("b", "Add ?a=<run id>&b=<run id> to compare two runs", 64),
  step: stepQuery,
});

export const insightRoutes = {
  runGraph: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/runs/{runId}/graph",
    summary: "The run's pipeline version drawn as a canvas, with its steps' nodes and reused runs",
    params: RunId,
    response: RunGraphJson,
  }),
  stepTiming: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/runs/{runId}/timing",
    summary: "Durations of a step's finished mini-batches and a timeline per worker process",
    params: RunId,
    query: z.object({ step: requiredTextQuery("step", "Add ?step=<step name> to get its mini-batch timings", 64) }),
    response: StepTimingJson,
  }),
  outputRows: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/runs/{runId}/rows",
    summary: "One page of a step's append_row output, sorted and filtered over the whole file",
    params: RunId,
    query: z.object({
      step: stepQuery,
      page: intQuery("page", { min: 1 }),
      pageSize: intQuery("pageSize", { min: 1, max: 500 }),
      sort: textQuery("sort", 128).meta({ description: "Column to sort by" }),
      order,
      label: textQuery("label", 256).meta({ description: "Keep rows whose label column has this value" }),
    }),
    response: OutputPageJson,
  }),
  runThumbnail: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/runs/{runId}/thumbnail",
    summary: "A thumbnail (PNG) of one input image of the step, made on demand and kept",
    params: RunId,
    query: z.object({
      step: requiredTextQuery("step", "Add ?step=<step>&file=<output file value> to get a thumbnail", 64),
      file: requiredTextQuery("file", "Add ?step=<step>&file=<output file value> to get a thumbnail", 1024),
    }),
    raw: { contentTypes: ["image/png"], description: "The thumbnail, at most 96 px on its longer side (small images enlarged by whole multiples)" },
  }),
  compareRuns: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/runs/compare",
    summary: "Two runs of a pipeline side by side, with the output rows whose values changed",
    query: Compare,
    response: RunComparisonJson,
  }),
  compareRunsCsv: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/runs/compare/diff",
    summary: "The changed output rows of two runs as CSV",
    query: Compare,
    raw: { contentTypes: ["text/csv"], description: "Key, change, then each column in run a and in run b" },
  }),
} as const;
