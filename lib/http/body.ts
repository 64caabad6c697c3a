import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { AppError, errorMessage, invalid, tooLarge, unsupportedMediaType } from "../errors";

/**
 * Request bodies read with their size capped while they arrive: a JSON body is never buffered
 * past its limit, an upload goes to disk part by part and stops at the first byte over.
 */

/** Largest JSON body any route accepts (a pipeline canvas or definition is far below it). */
export const MAX_JSON_BYTES = 1024 * 1024;

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** The media type of the request without parameters, lower case ("" when none was sent). */
export function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Refuses a body whose declared Content-Length is over the limit before reading any of it;
 * `overhead` allows for the multipart framing around the files.
 */
function checkDeclaredLength(req: Request, limit: number, what: string, overhead = 0): void {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit + overhead) throw tooLarge(`${what} is ${megabytes(declared)}; at most ${megabytes(limit)} is accepted`);
}

/** JSON routes take application/json (or a +json type); a request without a type is read as JSON too. */
export function requireJson(req: Request): void {
  const type = mediaType(req);
  if (type === "" || type === "application/json" || type.endsWith("+json")) return;
  throw unsupportedMediaType(`This route takes a JSON body (Content-Type: application/json), not '${type.slice(0, 100)}'`);
}

/** The body as text, refused with 413 as soon as more than `limit` bytes have arrived. */
export async function readTextCapped(req: Request, limit = MAX_JSON_BYTES, what = "The request body"): Promise<string> {
  checkDeclaredLength(req, limit, what);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(`${what} is larger than ${megabytes(limit)}, the most this route accepts`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * NUL characters are refused everywhere: PostgreSQL cannot store them in text and file system
 * calls throw on them, so they would surface as 500s.
 */
export function rejectNulInRequest(req: Request, params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params))
    if (typeof value === "string" && value.includes("\u0000")) throw invalid(`The ${name} in the URL contains a NUL character`);
  for (const [name, value] of new URL(req.url).searchParams)
    if (value.includes("\u0000") || name.includes("\u0000"))
      throw invalid(`Query parameter '${name.replace(/\u0000/g, "\\0").slice(0, 64)}' contains a NUL character`);
}

export const MAX_JSON_DEPTH = 64;

/**
 * The same for a parsed JSON body (naming the first field holding a NUL character), and a cap on
 * nesting: JSON.parse takes 1 MB of "[[[[…" but the code walking it afterwards would overflow
 * the stack. Iterative, so the check itself cannot.
 */
export function checkParsedJson(body: unknown): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: "body", depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) throw invalid(`${path} contains a NUL character (\\u0000), which cannot be stored`);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) throw invalid(`The request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
    if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]`, depth: depth + 1 }));
    else {
      for (const [key, v] of Object.entries(value)) {
        if (key.includes("\u0000")) throw invalid(`${path} has a key with a NUL character (\\u0000)`);
        stack.push({ value: v, path: `${path}.${key.slice(0, 64)}`, depth: depth + 1 });
      }
    }
  }
}

export interface UploadedPart {
  /** The form field ("file", "files"). */
  field: string;
  /** The name the browser gave (with its folder path when `preservePath`). */
  fileName: string;
  /** Where the part was written (inside the caller's folder). */
  path: string;
  size: number;
}

export interface MultipartLimits {
  /** What is uploaded, for messages: "A model upload". */
  what: string;
  maxFiles: number;
  maxFileBytes: number;
  /** All file parts together. */
  maxTotalBytes: number;
  maxFields?: number;
  maxFieldBytes?: number;
  /** Keep the folder path of file names (a script folder); otherwise only the base name. */
  preservePath?: boolean;
}

/**
 * Reads a multipart/form-data body with busboy, writing each file part to `dir` as it arrives
 * (backpressure included), so memory stays flat whatever the upload size. Any limit crossed ends
 * the read at once with 413; the caller removes `dir` whatever happens.
 */
export async function readMultipart(req: Request, dir: string, limits: MultipartLimits): Promise<{ fields: Map<string, string>; files: UploadedPart[] }> {
  if (mediaType(req) !== "multipart/form-data") {
    throw unsupportedMediaType(`${limits.what} is sent as multipart/form-data, not '${mediaType(req).slice(0, 100) || "a body without Content-Type"}'`);
  }
  checkDeclaredLength(req, limits.maxTotalBytes, limits.what, 1024 * 1024);
  if (!req.body) throw invalid(`${limits.what} has no body`);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": req.headers.get("content-type") ?? "" },
      preservePath: limits.preservePath ?? false,
      limits: {
        files: limits.maxFiles,
        fileSize: limits.maxFileBytes,
        fields: limits.maxFields ?? 20,
        fieldSize: limits.maxFieldBytes ?? 64 * 1024,
        parts: limits.maxFiles + (limits.maxFields ?? 20),
      },
    });
  } catch (error) {
    throw invalid(`${limits.what} is not valid multipart/form-data: ${errorMessage(error)}`);
  }
  const source = Readable.fromWeb(req.body as unknown as NodeWebReadableStream<Uint8Array>);
  return collectParts(source, parser, dir, limits);
}

function collectParts(
  source: Readable,
  parser: busboy.Busboy,
  dir: string,
  limits: MultipartLimits,
): Promise<{ fields: Map<string, string>; files: UploadedPart[] }> {
  const fields = new Map<string, string>();
  const files: UploadedPart[] = [];
  const writes: Promise<void>[] = [];
  const open = new Set<Readable>();
  let total = 0;
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      source.unpipe(parser);
      source.destroy();
      for (const stream of open) stream.destroy(error);
      // Reject once every file write has stopped, so the caller can remove the folder.
      void Promise.allSettled(writes).then(() => reject(error));
    };
    const over = (message: string) => fail(tooLarge(`${limits.what}: ${message}`));
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) over(`field '${name.slice(0, 64)}' is longer than ${limits.maxFieldBytes ?? 64 * 1024} bytes`);
      else if (value.includes("\u0000")) fail(invalid(`${limits.what}: field '${name.slice(0, 64)}' contains a NUL character`));
      else fields.set(name, value);
    });
    parser.on("file", (field, stream, info) => {
      if (info.filename?.includes("\u0000")) {
        stream.resume();
        return fail(invalid(`${limits.what}: a file name contains a NUL character`));
      }
      const part: UploadedPart = { field, fileName: info.filename ?? "", path: join(dir, `part-${files.length}`), size: 0 };
      files.push(part);
      open.add(stream);
      stream.on("limit", () => over(`file '${part.fileName.slice(0, 200)}' is larger than ${megabytes(limits.maxFileBytes)}`));
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          part.size += chunk.length;
          total += chunk.length;
          if (total > limits.maxTotalBytes) over(`the files add up to more than ${megabytes(limits.maxTotalBytes)}`);
          done(null, chunk);
        },
      });
      const write = pipeline(stream, count, createWriteStream(part.path)).finally(() => open.delete(stream));
      writes.push(write);
      write.catch((error: unknown) =>
        fail(error instanceof AppError ? error : new AppError("unavailable", `${limits.what} could not be stored on the server: ${errorMessage(error)}`)),
      );
    });
    parser.on("filesLimit", () => over(`at most ${limits.maxFiles} file(s) are accepted`));
    parser.on("fieldsLimit", () => over(`at most ${limits.maxFields ?? 20} fields are accepted`));
    parser.on("partsLimit", () => over("too many parts"));
    parser.on("error", (error) => fail(invalid(`${limits.what} is not valid multipart/form-data: ${errorMessage(error)}`)));
    source.on("error", (error) => fail(invalid(`${limits.what} was not received whole: ${errorMessage(error)}`)));
    parser.on("finish", () => {
      void Promise.all(writes).then(
        () => (failed ? undefined : resolve({ fields, files })),
        () => undefined, // each write's own handler has failed the read already
      );
    });
    source.pipe(parser);
  });
}
