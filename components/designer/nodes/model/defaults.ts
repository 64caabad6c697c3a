import type { ModelNodeData } from "@/lib/contracts/canvas";

export const modelDefaults = (): ModelNodeData => ({ model: "" });
