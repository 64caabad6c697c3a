/**
 * Byte-level helpers of the tabular scorer's fast path: numbers read straight from CSV bytes, the
 * output text of an input field, and model outputs as text. Each gives exactly what the row-object
 * path gives (csvValue + Number for inputs, csvField(csvValue(...)) for kept fields,
 * csvField(shortestFloat32(...)) for float32 outputs), only without the intermediate strings.
 */
import { csvField } from "../datasets/tabular/csv-fields";
import { csvValue } from "../datasets/tabular/values";

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;

/**
 * The number written in bytes [start, end): [+-]digits[.digits][(e|E)[+-]digits] with at most 15
 * significant digits and a power of ten within 1e+-22 (then one exact multiplication or division
 * rounds correctly, as Number() does). NaN when the text is anything else: the caller then reads
 * it the slow way (Number of the trimmed text), which also covers what this does not.
 */
export function fastNumber(buffer: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buffer[i] === MINUS || buffer[i] === PLUS)) negative = buffer[i++] === MINUS;
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  for (; i < end; i++) {
    const d = (buffer[i] as number) - ZERO;
    if (d < 0 || d > 9) break;
    digits++;
    if (mantissa === 0 && d === 0) continue;
    if (++significant > 15) return Number.NaN;
    mantissa = mantissa * 10 + d;
  }
  if (i < end && buffer[i] === DOT) {
    for (i++; i < end; i++) {
      const d = (buffer[i] as number) - ZERO;
      if (d < 0 || d > 9) break;
      digits++;
      scale--;
      if (mantissa === 0 && d === 0) continue;
      if (++significant > 15) return Number.NaN;
      mantissa = mantissa * 10 + d;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i < end && (buffer[i] === 0x65 || buffer[i] === 0x45)) {
    i++;
    let expNegative = false;
    if (i < end && (buffer[i] === MINUS || buffer[i] === PLUS)) expNegative = buffer[i++] === MINUS;
    let exp = 0;
    let expDigits = 0;
    for (; i < end; i++) {
      const d = (buffer[i] as number) - ZERO;
      if (d < 0 || d > 9) break;
      expDigits++;
      if (exp < 1000) exp = exp * 10 + d;
    }
    if (expDigits === 0) return Number.NaN;
    scale += expNegative ? -exp : exp;
  }
  if (i !== end) return Number.NaN;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (scale >= 0 && scale <= 22) value = mantissa * (POW10[scale] as number);
  else if (scale < 0 && scale >= -22) value = mantissa / (POW10[-scale] as number);
  else return Number.NaN;
  return negative ? -value : value;
}

/**
 * Whether an unquoted field's bytes are already what the row-object path writes back for it
 * (csvField(csvValue(text))), with the delimiter ','. Sure answers for the common shapes (text,
 * integers, plain decimals without trailing zeros); undefined when only the slow check can tell.
 */
export function fieldIsCanonical(buffer: Uint8Array, start: number, end: number): boolean | undefined {
  if (start === end) return true; // null, written as an empty field
  const first = buffer[start] as number;
  const numeric = (first >= ZERO && first <= NINE) || first === PLUS || first === MINUS || first === DOT;
  if (!numeric) {
    // Text stays text; it needs quotes (so is not canonical) only with a quote or CR (no delimiter or LF can be in it).
    for (let i = start; i < end; i++) if (buffer[i] === 0x22 || buffer[i] === 0x0d) return undefined;
    return true;
  }
  // -?(0|[1-9]\d*)(\.\d*[1-9])? with at most 15 significant digits and, below 1, at most 5 zeros after the point.
  let i = start;
  if (buffer[i] === MINUS) i++;
  const intStart = i;
  while (i < end && (buffer[i] as number) >= ZERO && (buffer[i] as number) <= NINE) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && buffer[intStart] === ZERO)) return undefined;
  if (i === end) {
    // An integer: a safe one prints back the same, a larger one stays text; "-0" prints as 0.
    return !(intDigits === 1 && buffer[intStart] === ZERO && intStart > start);
  }
  if (buffer[i] !== DOT || i + 1 === end || buffer[end - 1] === ZERO) return undefined;
  const fracStart = ++i;
  while (i < end && (buffer[i] as number) >= ZERO && (buffer[i] as number) <= NINE) i++;
  if (i !== end) return undefined;
  let significant: number;
  if (intDigits === 1 && buffer[intStart] === ZERO) {
    let zeros = 0;
    while (buffer[fracStart + zeros] === ZERO) zeros++;
    if (zeros > 5) return undefined;
    significant = end - fracStart - zeros;
  } else significant = intDigits + (end - fracStart);
  return significant <= 15 ? true : undefined;
}

/** The row-object path's output text for a field: csvField(csvValue(text, quoted)) with the ',' delimiter. */
export function fieldOutput(text: string, quoted: boolean): string {
  return csvField(csvValue(text, quoted));
}

/**
 * A float32 value as the row-object path writes it: the shortest decimal that reads back as the
 * same float32 (shortestFloat32 in values.ts), as text. The same search, fewer steps: whether d
 * significant digits read back is monotone in d (a closer decimal stays inside the value's
 * rounding interval), except at a power of two whose interval is lopsided, which takes the
 * plain search from one digit up.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value) || value === 0) return String(value === 0 ? 0 : value);
  F32[0] = value;
  if ((U32[0]! & 0x7fffff) === 0) {
    for (let digits = 1; digits < 9; digits++) {
      const text = value.toPrecision(digits);
      if (Math.fround(Number(text)) === value) return plain(text);
    }
    return plain(value.toPrecision(9));
  }
  // Most float32 values need 7 or 8 digits: start at 7 and walk the monotone predicate.
  let text = value.toPrecision(7);
  if (Math.fround(Number(text)) === value) {
    for (let digits = 6; digits >= 1; digits--) {
      const shorter = value.toPrecision(digits);
      if (Math.fround(Number(shorter)) !== value) break;
      text = shorter;
    }
  } else {
    text = value.toPrecision(8);
    if (Math.fround(Number(text)) !== value) text = value.toPrecision(9);
  }
  return plain(text);
}

/**
 * toPrecision's text as String(Number(text)) writes it. They differ only in exponent notation and
 * trailing zeros (the shortest digits found above end in a nonzero digit, but a power of ten such
 * as 10 is written "1e+1" at one digit).
 */
function plain(text: string): string {
  return text.includes("e") || text.charCodeAt(text.length - 1) === ZERO ? String(Number(text)) : text;
}
