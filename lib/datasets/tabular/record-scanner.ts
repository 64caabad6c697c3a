const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

export const UNTERMINATED_QUOTE = "unterminated quoted field (a '\"' opens a field that never closes)";
export const AFTER_CLOSING_QUOTE = 'unexpected character after a closing quote (write "" for a quote inside a quoted field)';

/** Receives one record: bytes [start, end) (end includes its newline), its first line, and a problem if any. */
export type RecordSink = (start: number, end: number, line: number, error: string | undefined) => void;

/**
 * A quoted field still open at the end of the input (or closed badly after spanning lines): the
 * record is bad and reading resumes at its next line.
 */
export interface Unterminated {
  start: number;
  line: number;
  /** Offset just after the first newline of the record (or the end of input). */
  resumeAt: number;
}

/**
 * Finds record boundaries in a byte stream fed chunk by chunk. With a delimiter it follows CSV
 * quoting (RFC 4180: a newline inside a quoted field is not a boundary, "" is a quote); without
 * one every line is a record (JSON Lines). Blank lines are skipped, CRLF is accepted. The planner
 * and the slice reader share this one definition of a row boundary.
 */
export class RecordScanner {
  private state = FIELD_START;
  private recordStart: number;
  private recordLine: number;
  private line: number;
  private hasContent = false;
  private error: string | undefined;
  private firstNewline = -1;

  constructor(
    private readonly delimiter: number | undefined,
    start: number,
    line: number,
    private readonly sink: RecordSink,
  ) {
    this.recordStart = start;
    this.recordLine = line;
    this.line = line;
  }

  /**
   * Feeds bytes that start at absolute offset `offset`. Returns an Unterminated when a quoted field
   * that spans lines closes badly (`"...\n..."x`): that is almost always a stray quote earlier, so
   * the record is reported bad and the caller resumes on its next line with a new scanner.
   */
  push(chunk: Uint8Array, offset: number): Unterminated | undefined {
    const csv = this.delimiter !== undefined;
    const delimiter = this.delimiter ?? -1;
    // memchr-speed searches for the next line break and quote (no copy: a view of the same bytes).
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let nextQuote = -1;
    let { state, hasContent, line, firstNewline } = this;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (state === QUOTED) {
        if (b === QUOTE) state = QUOTE_IN_QUOTED;
        else if (b === LF) {
          line++;
          if (firstNewline < 0) firstNewline = offset + i;
        }
        continue;
      }
      if (b === LF) {
        line++;
        if (hasContent) this.sink(this.recordStart, offset + i + 1, this.recordLine, this.error);
        this.recordStart = offset + i + 1;
        this.recordLine = line;
        this.error = undefined;
        hasContent = false;
        state = FIELD_START;
        firstNewline = -1;
        if (!csv) continue;
        // Whole lines without a quote that follow: one record each (when not blank), found by
        // searching for line breaks instead of reading every byte. The state stays FIELD_START.
        for (;;) {
          const lineStart = i + 1;
          const lineEnd = view.indexOf(LF, lineStart);
          if (lineEnd < 0) break;
          if (nextQuote !== Number.POSITIVE_INFINITY && nextQuote < lineStart) {
            nextQuote = view.indexOf(QUOTE, lineStart);
            if (nextQuote < 0) nextQuote = Number.POSITIVE_INFINITY;
          }
          if (nextQuote < lineEnd) break;
          line++;
          let content = false;
          for (let j = lineStart; j < lineEnd; j++) {
            if (chunk[j] !== CR) {
              content = true;
              break;
            }
          }
          if (content) this.sink(this.recordStart, offset + lineEnd + 1, this.recordLine, undefined);
          this.recordStart = offset + lineEnd + 1;
          this.recordLine = line;
          i = lineEnd;
        }
        continue;
      }
      if (b === CR || (!csv && (b === SPACE || b === TAB))) continue;
      hasContent = true;
      if (!csv) continue;
      if (b === delimiter) state = FIELD_START;
      else if (b === QUOTE) state = state === UNQUOTED ? UNQUOTED : QUOTED;
      else {
        if (state === QUOTE_IN_QUOTED) {
          if (firstNewline >= 0) return { start: this.recordStart, line: this.recordLine, resumeAt: firstNewline + 1 };
          this.error ??= AFTER_CLOSING_QUOTE;
        }
        state = UNQUOTED;
      }
    }
    this.state = state;
    this.hasContent = hasContent;
    this.line = line;
    this.firstNewline = firstNewline;
    return undefined;
  }

  /** Ends the input at absolute offset `end`: emits the last record, or reports an open quote. */
  finish(end: number): Unterminated | undefined {
    if (this.state === QUOTED) {
      return { start: this.recordStart, line: this.recordLine, resumeAt: this.firstNewline >= 0 ? this.firstNewline + 1 : end };
    }
    if (this.hasContent) this.sink(this.recordStart, end, this.recordLine, this.error);
    this.hasContent = false;
    return undefined;
  }
}

export const delimiterByte = (format: "csv" | "jsonl", delimiter: string): number | undefined => (format === "csv" ? delimiter.charCodeAt(0) : undefined);
