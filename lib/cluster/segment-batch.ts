import type { Datastore } from "../datastores/types";

/** Where one mini-batch's rows landed: an object and a byte range in it. */
export interface SegmentSlice {
  path: string;
  offset: number;
  length: number;
}

/**
 * Writes the rows of an agent's finished mini-batches as segment objects, several mini-batches per
 * object when they finish while a write is under way (group commit): a write costs a durable file
 * (two fsyncs) on a local datastore and a PUT on Azure Blob, so at a few hundred small mini-batches
 * per second one object per mini-batch is most of an agent's time. Nothing waits on a timer: with
 * no write under way a mini-batch's rows go at the end of the event loop turn, with whatever else
 * finished in that turn. Each mini-batch's result names its
 * object and range, and the orchestrator copies that range only, so the merge stays exactly-once
 * (another attempt of the same mini-batch writes other bytes, which the merge never reads).
 */
export class SegmentBatcher {
  private pending: { bytes: Buffer; resolve: (slice: SegmentSlice) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  private sequence = 0;

  constructor(
    private readonly store: Datastore,
    /** The path of the next object (unique per agent and step: it includes a sequence number). */
    private readonly pathOf: (sequence: number) => string,
    private readonly maxBytes = 8 * 1048576,
  ) {}

  /** Resolves once `bytes` are in the datastore, with the object and range they are in. */
  add(bytes: Buffer): Promise<SegmentSlice> {
    return new Promise((resolve, reject) => {
      this.pending.push({ bytes, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch: typeof this.pending = [];
      let size = 0;
      while (this.pending.length > 0 && (batch.length === 0 || size + this.pending[0]!.bytes.length <= this.maxBytes)) {
        const next = this.pending.shift()!;
        batch.push(next);
        size += next.bytes.length;
      }
      const path = this.pathOf(++this.sequence);
      try {
        await this.store.write(
          path,
          batch.length === 1
            ? batch[0]!.bytes
            : Buffer.concat(
                batch.map((b) => b.bytes),
                size,
              ),
        );
        let offset = 0;
        for (const b of batch) {
          b.resolve({ path, offset, length: b.bytes.length });
          offset += b.bytes.length;
        }
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
      // Results that arrived meanwhile (their process messages are handled after this turn) join the next object.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.writing = false;
  }
}
