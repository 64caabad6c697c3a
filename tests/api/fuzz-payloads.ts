/**
 * Seeded generators of hostile inputs for the API fuzz test: wrong types, missing fields, huge
 * strings, NaN/negative/huge numbers, unicode, traversal in every path-like field, wrong content
 * types. Deterministic: the same seed gives the same requests.
 */

import type { Rng } from "../support/random";

export { type Rng, seeded } from "../support/random";

export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

const MB = 1024 * 1024;
/** Built once: 1 MB and 5 MB strings (over the JSON limit once quoted), 100 KB for query strings. */
export const HUGE = { q: "q".repeat(100 * 1024), one: "x".repeat(MB), five: "y".repeat(5 * MB) };

export const TRAVERSALS = [
  "../../etc/passwd",
  "../../../../../../etc/passwd",
  "/etc/passwd",
  "/",
  "..",
  "C:\\Windows\\win.ini",
  "..\\..\\boot.ini",
  "a/../../b",
  "./././x",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "file:///etc/passwd",
  "datastore://workspace/../../etc/passwd",
  "~/.ssh/id_rsa",
];
export const UNICODE = [
  "ü",
  "日本語のパス",
  "😀😀😀",
  "\u202egnp.exe",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\uffff",
  "e\u0301",
  "\t\n\r",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "${process.env}",
  "{{7*7}}",
];
export const NUMBERS = [
  "1e308",
  "-1e308",
  "99999999999999999999",
  "-1",
  "0",
  "1.5",
  "NaN",
  "Infinity",
  "-0",
  "2147483648",
  "9007199254740993",
  "0x10",
  "1_000",
  " 1",
  "007",
  "",
];

/** A value for a query string parameter. */
export function queryValue(rng: Rng): string {
  const r = rng();
  if (r < 0.3) return pick(rng, NUMBERS);
  if (r < 0.55) return pick(rng, TRAVERSALS);
  if (r < 0.8) return pick(rng, UNICODE);
  if (r < 0.85) return HUGE.q;
  return pick(rng, ["1", "2", "json", "yaml", "true", "score-items", "stdout.log", "label", "workspace", "items"]);
}

/** A JSON value of a wrong or hostile kind. */
export function jsonValue(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (r < 0.12)
    return Number(
      pick(
        rng,
        NUMBERS.filter((n) => Number.isFinite(Number(n))),
      ),
    );
  if (r < 0.2) return pick(rng, [1e308, -1e308, -1, 0, 1.5, 2 ** 53 + 2, -2147483649, 42]);
  if (r < 0.3) return pick(rng, TRAVERSALS);
  if (r < 0.42) return pick(rng, UNICODE);
  if (r < 0.47) return pick(rng, [true, false, null]);
  if (r < 0.52) return pick(rng, NUMBERS);
  if (r < 0.55) return "x".repeat(5000);
  if (r < 0.56) return HUGE.one;
  if (r < 0.7 && depth < 3) return Array.from({ length: Math.floor(rng() * 4) }, () => jsonValue(rng, depth + 1));
  if (r < 0.8 && depth < 3)
    return Object.fromEntries(
      Array.from({ length: Math.floor(rng() * 4) }, () => [
        pick(rng, ["name", "param", "path", "root", "dataset", "step", "kind", "__proto__", "constructor", "x"]),
        jsonValue(rng, depth + 1),
      ]),
    );
  if (r < 0.85) return Array.from({ length: 2000 }, (_, i) => `item-${i}`);
  return pick(rng, ["", " ", "valid-name", "workspace", "items", "score-items"]);
}

/** Replaces, removes or adds fields of a valid body, recursively, a few times. */
export function mutate(rng: Rng, template: unknown, rounds = 1 + Math.floor(rng() * 3)): unknown {
  let body = structuredClone(template);
  for (let i = 0; i < rounds; i++) body = mutateOnce(rng, body, 0);
  return body;
}

function mutateOnce(rng: Rng, value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || depth > 6 || rng() < 0.2) return jsonValue(rng);
  if (Array.isArray(value)) {
    if (value.length === 0 || rng() < 0.2) return [...value, jsonValue(rng)];
    const i = Math.floor(rng() * value.length);
    return value.map((v, j) => (j === i ? mutateOnce(rng, v, depth + 1) : v));
  }
  const obj = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(obj);
  const r = rng();
  if (r < 0.15 && keys.length) delete obj[pick(rng, keys)];
  else if (r < 0.25) obj[pick(rng, ["extra", "__proto__", "x".repeat(300), "ü"])] = jsonValue(rng);
  else if (keys.length) {
    const key = pick(rng, keys);
    obj[key] = mutateOnce(rng, obj[key], depth + 1);
  }
  return obj;
}

export interface RawBody {
  body: BodyInit | undefined;
  contentType?: string;
  label: string;
}

/** Bodies that are not what a route expects at all. */
export function rawBody(rng: Rng, boundary: string): RawBody {
  switch (Math.floor(rng() * 13)) {
    case 11:
      return { body: `${"[".repeat(400_000)}${"]".repeat(400_000)}`, contentType: "application/json", label: "JSON nested 400,000 levels" };
    case 12:
      return { body: `${'{"canvas":'.repeat(5000)}1${"}".repeat(5000)}`, contentType: "application/json", label: "objects nested 5,000 levels" };
    case 0:
      return { body: "{not json", contentType: "application/json", label: "invalid JSON" };
    case 1:
      return { body: "", contentType: "application/json", label: "empty JSON body" };
    case 2:
      return { body: undefined, label: "no body" };
    case 3:
      return { body: JSON.stringify({ name: HUGE.five }), contentType: "application/json", label: "5 MB JSON" };
    case 4:
      return { body: "name=x&root=/etc", contentType: "application/x-www-form-urlencoded", label: "form-urlencoded" };
    case 5:
      return { body: JSON.stringify({ name: "x" }), contentType: "text/plain", label: "JSON as text/plain" };
    case 6:
      return {
        body: `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--${boundary}--\r\n`,
        contentType: `multipart/form-data; boundary=${boundary}`,
        label: "multipart to anything",
      };
    case 7:
      return { body: "--nope\r\ngarbage", contentType: "multipart/form-data", label: "multipart without boundary" };
    case 8:
      return {
        body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.onnx"\r\n\r\ntrunc`,
        contentType: `multipart/form-data; boundary=${boundary}`,
        label: "truncated multipart",
      };
    case 9:
      return { body: new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x22]), contentType: "application/json", label: "binary as JSON" };
    default:
      return { body: "[]", contentType: "application/json; charset=utf-16", label: "JSON array" };
  }
}

/** A multipart form with hostile file names and fields (the upload routes). */
export function hostileForm(rng: Rng, model: Uint8Array<ArrayBuffer>): FormData {
  const form = new FormData();
  if (rng() < 0.15) {
    // A valid upload now and then, so the routes' later checks are reached too.
    form.set("name", pick(rng, ["tiny", "tiny2"]));
    form.append(pick(rng, ["file", "files"]), new Blob([model]), pick(rng, ["tiny.onnx", "dir/score.mjs"]));
    return form;
  }
  const r = rng();
  if (r < 0.8) form.set("name", String(pick(rng, ["m", "tiny", ...TRAVERSALS, ...UNICODE, "x".repeat(300), ""])));
  const files = Math.floor(rng() * 3);
  for (let i = 0; i < files; i++) {
    const name = pick(rng, ["a.onnx", "folder/score.mjs", "x/../../y.mjs", "", ...TRAVERSALS, ...UNICODE, `${"n".repeat(300)}.mjs`, "a/b/c/d.mjs"]);
    const data: Uint8Array<ArrayBuffer> = rng() < 0.3 ? model : rng() < 0.5 ? new Uint8Array(0) : new TextEncoder().encode(String(jsonValue(rng)));
    form.append(pick(rng, ["file", "files", "other"]), new Blob([data]), name);
  }
  if (rng() < 0.5) form.set("tags", String(pick(rng, ["a=b", "=", "novalue", "k=v\nk2=v2", HUGE.q])));
  if (rng() < 0.3) form.set("description", String(jsonValue(rng)));
  return form;
}
