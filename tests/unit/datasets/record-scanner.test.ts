/**
 * The record scanner's line-search fast path against the byte-by-byte scanner it replaced (kept
 * here as the oracle): random CSV text with quotes, CRLF, blank lines and bad quoting, fed in
 * random chunks, must give the same records, lines and errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AFTER_CLOSING_QUOTE, RecordScanner, type RecordSink, type Unterminated } from "../../../lib/datasets/tabular/record-scanner";
import { seeded } from "../../support/random";

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

// biome-ignore format: the oracle is the earlier implementation, verbatim
class ByteByByteScanner {
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

type Scanner = { push(chunk: Uint8Array, offset: number): Unterminated | undefined; finish(end: number): Unterminated | undefined };

function scan(make: (sink: RecordSink) => Scanner, bytes: Buffer, cuts: number[]): unknown[] {
  const out: unknown[] = [];
  const scanner = make((start, end, line, error) => out.push([start, end, line, error]));
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const open = scanner.push(bytes.subarray(from, cut), from);
    if (open) return [...out, ["open", open]];
    from = cut;
  }
  return [...out, ["finish", scanner.finish(bytes.length)]];
}

test("the line-search fast path finds the same records, lines and errors as the byte-by-byte scanner", () => {
  const random = seeded(11);
  const pieces = ["a", "12", "3.5", ",", ",", "\n", "\n", "\r\n", "\r", '"', '""', '"x,y"', '"two\nlines"', " ", "\t"];
  for (let round = 0; round < 3000; round++) {
    let text = "";
    const length = 1 + Math.floor(random() * 40);
    for (let k = 0; k < length; k++) text += pieces[Math.floor(random() * pieces.length)];
    const bytes = Buffer.from(text);
    const cuts = [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * bytes.length)))].sort((a, b) => a - b);
    for (const delimiter of [0x2c, undefined]) {
      const start = Math.floor(random() * 3);
      const expected = scan((sink) => new ByteByByteScanner(delimiter, start, 1, sink), bytes, cuts);
      const actual = scan((sink) => new RecordScanner(delimiter, start, 1, sink), bytes, cuts);
      assert.deepEqual(actual, expected, `${JSON.stringify(text)} cut at ${cuts.join(",")}`);
    }
  }
  assert.ok(AFTER_CLOSING_QUOTE.length > 0);
});
