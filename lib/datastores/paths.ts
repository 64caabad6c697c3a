import { invalid } from "../errors";

/** Shows a path in a message without letting control characters through. */
export function quotePath(path: string): string {
  return `'${path.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)}'`;
}

/**
 * Checks a datastore-relative path and returns it in canonical form ("a/b/c": no leading or
 * doubled slashes, no "." segments). Refuses anything that could leave the datastore root:
 * ".." segments, absolute paths, drive letters, NUL and backslashes (a separator on Windows).
 * The empty string (the root itself) is returned as "" and allowed only when `allowRoot` is set.
 */
export function normalizeDatastorePath(path: string, options: { allowRoot?: boolean } = {}): string {
  if (path.includes("\0")) throw invalid(`path ${quotePath(path)} contains a NUL character`);
  if (path.includes("\\")) {
    throw invalid(`path ${quotePath(path)} contains a backslash: separate folders with '/' (datastore paths are relative)`);
  }
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.startsWith("~")) {
    throw invalid(`path ${quotePath(path)} escapes the datastore root: use a path relative to the datastore`);
  }
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) {
    throw invalid(`path ${quotePath(path)} escapes the datastore root: '..' is not allowed`);
  }
  const normalized = segments.join("/");
  if (normalized === "" && !options.allowRoot) throw invalid(`path ${quotePath(path)} does not name a file`);
  return normalized;
}

/**
 * Compares two strings in UTF-8 byte order, which is how blob storage sorts names. It differs from
 * JavaScript's UTF-16 order only for characters above U+FFFF against U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate && (x >= 0xe000 || y >= 0xe000)) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Refuses byte ranges that are not [start, end) with 0 <= start <= end. */
export function checkRange(path: string, start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw invalid(`byte range [${start}, ${end}) of ${quotePath(path)} is not valid: use 0 <= start <= end`);
  }
}
