import type { DatastoreEntry } from "../datastores/types";
import { invalid } from "../errors";

/**
 * Chunks a streamed listing into mini-batches of `filesPerBatch` paths (FileDataset
 * mini_batch_size). Holds one mini-batch at a time.
 */
export async function* planFiles(
  entries: AsyncIterable<DatastoreEntry> | Iterable<DatastoreEntry>,
  filesPerBatch: number,
): AsyncGenerator<string[]> {
  if (!Number.isSafeInteger(filesPerBatch) || filesPerBatch < 1) {
    throw invalid(`mini_batch_size '${filesPerBatch}' is not a file count: use a whole number of files, 1 or more`);
  }
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
