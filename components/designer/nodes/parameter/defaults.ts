import type { ParameterNodeData } from "@/lib/contracts/canvas";

export const parameterDefaults = (): ParameterNodeData => ({ name: "", type: "int", default: "" });
