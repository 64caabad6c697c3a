import type { TensorInfo } from "./types";

/** "[N,1,28,28]" */
export const formatShape = (shape: (number | string)[]): string => `[${shape.map((d) => (d === "" ? "?" : String(d))).join(",")}]`;

/** "'image' [N,1,28,28] float32", as used in messages. */
export const describeTensor = (info: TensorInfo): string => `'${info.name}' ${formatShape(info.shape)} ${info.type}`;

/** A fixed dimension, or undefined for a symbolic / unknown one. */
export function fixedDim(shape: (number | string)[], index: number): number | undefined {
  const d = shape[index];
  return typeof d === "number" && d > 0 ? d : undefined;
}
