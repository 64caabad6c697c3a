import type { DatasetNodeData } from "@/lib/contracts/canvas";

export const datasetDefaults = (): DatasetNodeData => ({ mode: "dataset", dataset: "", parameterName: "" });
