import type { StepNodeData } from "@/lib/contracts/canvas";

/** A new step: the built-in image classifier, append_row output, Azure's tutorial error threshold. */
export const stepDefaults = (): StepNodeData => ({
  name: "",
  parallelRunConfig: { scorer: { kind: "onnx-image-classifier", model: "" }, errorThreshold: 10, outputAction: "append_row" },
  arguments: [],
  allowReuse: true,
});
