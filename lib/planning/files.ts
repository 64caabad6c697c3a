import type { DatastoreEntry } from "../datastores/types";
import { resolveMiniBatchSize } from "../pipeline/run-config-rules";

/**
 * Chunks a streamed listing into mini-batches of `filesPerBatch` paths (FileDataset
 * mini_batch_size). Holds one mini-batch at a time.
 */
export async function* planFiles(entries: AsyncIterable<DatastoreEntry> | Iterable<DatastoreEntry>, filesPerBatch: number): AsyncGenerator<string[]> {
  resolveMiniBatchSize(filesPerBatch, "file");
  let batch: string[] = [];
  for await (const entry of entries) {
    batch.push(entry.path);
    if (batch.length === filesPerBatch) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
