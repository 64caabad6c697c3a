import { z } from "zod";
import { acceptSnakeCase, bindable, Description, LIMITS, ParamRef, PathText, ResourceName, VersionedName } from "./common";
import { ParallelRunConfig } from "./parallel-run-config";

/** ParallelRunStep name rule, as in Azure: 3-32 characters, lower case, digits and '-'. */
export const STEP_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const StepName = z
  .string()
  .min(3, "a step name has 3 to 32 characters")
  .max(32, "a step name has 3 to 32 characters")
  .regex(STEP_NAME_PATTERN, "a step name starts with a lower-case letter, then lower-case letters, digits or '-', and does not end with '-'");

export const PARAMETER_TYPES = ["string", "int", "number", "bool", "dataset"] as const;
export const PipelineParameter = acceptSnakeCase(
  z
    .object({
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "a parameter name is letters, digits and '_', starting with a letter or '_'"),
      type: z.enum(PARAMETER_TYPES).default("string"),
      default: z.union([PathText, z.number(), z.boolean()]),
      description: Description.optional(),
    })
    .strict(),
);
export type PipelineParameter = z.infer<typeof PipelineParameter>;

/**
 * Where a step's input comes from: a registered dataset ("mnist" / "mnist:2"), an ad-hoc path in
 * a datastore ("datastore://workspace/mnist/0.png"), a dataset parameter, or an upstream step's
 * output (`{ step: "name" }`).
 */
export const InputRef = z.union([ParamRef, z.object({ step: z.string().min(1).max(LIMITS.name) }).strict(), z.object({ dataset: PathText.min(1) }).strict()]);
export type InputRef = z.infer<typeof InputRef>;

export const OutputLocation = z
  .object({
    datastore: ResourceName.default("workspace"),
    /** Folder inside the datastore; default: runs/<run id>/<step name>. */
    path: PathText.optional(),
  })
  .strict();
export type OutputLocation = z.infer<typeof OutputLocation>;

export const StepDefinition = acceptSnakeCase(
  z
    .object({
      name: StepName,
      description: Description.optional(),
      inputs: z.array(InputRef).min(1, "a ParallelRunStep needs at least one input").max(LIMITS.items),
      /** Reference data given whole to every process; named by their dataset. */
      sideInputs: z.array(InputRef).max(LIMITS.items).default([]),
      output: OutputLocation.default({ datastore: "workspace" }),
      parallelRunConfig: ParallelRunConfig,
      /** Passed to the entry script as context.arguments (Azure's `arguments`). */
      arguments: z
        .array(bindable(z.union([PathText, z.number()])))
        .max(LIMITS.items)
        .default([]),
      allowReuse: z.boolean().default(true),
    })
    .strict(),
);
export type StepDefinition = z.infer<typeof StepDefinition>;

export const PipelineDefinition = acceptSnakeCase(
  z
    .object({
      name: ResourceName,
      description: Description.optional(),
      parameters: z.array(PipelineParameter).max(LIMITS.items).default([]),
      steps: z.array(StepDefinition).min(1, "a pipeline needs at least one step").max(LIMITS.items),
    })
    .strict(),
);
export type PipelineDefinition = z.infer<typeof PipelineDefinition>;

export { VersionedName };
