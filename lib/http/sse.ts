/**
 * Server-sent events: one helper owns the stream's headers, heartbeats, abort on disconnect and
 * safe sends (a send after the client left is a no-op, never a thrown "controller closed").
 */
export interface SseMessage {
  id?: number | string;
  event?: string;
  /** A string is sent as is (already JSON); anything else is JSON-encoded. */
  data: unknown;
}

export interface SseStream {
  send(message: SseMessage): boolean;
  readonly signal: AbortSignal;
  close(): void;
}

export interface SseOptions {
  heartbeatMs?: number;
  /** Reconnect delay the browser uses after a dropped connection. */
  retryMs?: number;
  /** A client that stopped reading this many bytes ago is dropped (it reconnects and resumes). */
  maxBufferedBytes?: number;
}

const encoder = new TextEncoder();

export function formatSse(message: SseMessage): string {
  const data = typeof message.data === "string" ? message.data : JSON.stringify(message.data);
  let out = "";
  if (message.id !== undefined) out += `id: ${message.id}\n`;
  if (message.event) out += `event: ${message.event}\n`;
  for (const line of data.split("\n")) out += `data: ${line}\n`;
  return `${out}\n`;
}

/**
 * Starts an SSE response. `start` runs once the stream is open and returns its cleanup, called
 * exactly once when the client disconnects or the stream is closed.
 */
export function sseResponse(
  request: Request,
  // biome-ignore lint/suspicious/noConfusingVoidType: start() returns nothing or a cleanup function
  start: (stream: SseStream) => Promise<(() => void) | void> | (() => void) | void,
  options: SseOptions = {},
): Response {
  const abort = new AbortController();
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cleanup: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    if (heartbeat) clearInterval(heartbeat);
    abort.abort();
    request.signal.removeEventListener("abort", close);
    try {
      cleanup?.();
    } finally {
      try {
        controller.close();
      } catch {
        /* already closed by the client */
      }
    }
  };

  const write = (text: string): boolean => {
    if (closed) return false;
    if ((controller.desiredSize ?? 0) < -maxBuffered) {
      close();
      return false;
    }
    try {
      controller.enqueue(encoder.encode(text));
      return true;
    } catch {
      close();
      return false;
    }
  };

  const stream: SseStream = { send: (m) => write(formatSse(m)), signal: abort.signal, close };

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      write(`retry: ${options.retryMs ?? 1000}\n\n`);
      heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), options.heartbeatMs ?? 15_000);
      request.signal.addEventListener("abort", close);
      // Not awaited: the response starts streaming while `start` catches up.
      Promise.resolve()
        .then(() => start(stream))
        .then(
          (result) => {
            if (closed) result?.();
            else cleanup = result ?? undefined;
          },
          (error: unknown) => {
            write(formatSse({ event: "stream_error", data: { message: error instanceof Error ? error.message : String(error) } }));
            close();
          },
        );
    },
    cancel() {
      close();
    },
  });

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}

/** The id to resume after: the Last-Event-ID header (browser reconnects) or ?lastEventId=. */
export function lastEventIdOf(request: Request): number | undefined {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId");
  if (raw === null || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export interface ReceivedSse {
  id?: string;
  event: string;
  data: string;
}

/** Reads the messages of an SSE body (for server-side consumers: tests, benchmarks, tools). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<ReceivedSse> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") id = value;
        else if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length) yield { id, event, data: data.join("\n") };
    }
  }
}
