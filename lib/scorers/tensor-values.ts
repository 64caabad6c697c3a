import type { Tensor } from "onnxruntime-node";
import { shortestFloat32 } from "./values";

export type CellValue = number | string | boolean;

/** The values of row `row` of a [N, ...] output tensor, as CSV-friendly cells. */
export function rowValues(tensor: Tensor, rows: number, row: number): CellValue[] {
  const data = tensor.data;
  const per = data.length / rows;
  const out: CellValue[] = [];
  for (let i = row * per; i < (row + 1) * per; i++) out.push(cell(tensor.type, data[i]));
  return out;
}

function cell(type: Tensor.Type, value: unknown): CellValue {
  if (typeof value === "bigint") return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (type === "bool") return value === 1 || value === true;
  if (type === "float32" && typeof value === "number") return shortestFloat32(value);
  if (typeof value === "number" || typeof value === "string") return value;
  return String(value);
}
