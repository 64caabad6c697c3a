import type { Datastore, DatastoreEntry } from "../datastores/types";
import { resolveMiniBatchSize } from "../pipeline/run-config-rules";
import type { TabularOptions } from "../datasets/tabular/options";
import type { TabularSlice } from "../datasets/tabular/slice";
import { checkTabularOptions, planTabularFile } from "./tabular-file";

export type { TabularSlice } from "../datasets/tabular/slice";
export { planPartitions, type PartitionPlanOptions } from "./partitions";

/**
 * TabularDataset partitioning (Azure semantics): mini_batch_size is approximate bytes per
 * mini-batch; a mini-batch never spans two files; a file larger than the size is split into
 * several mini-batches at row boundaries (quote-aware for CSV). Files are streamed, never loaded
 * whole; slices come out file by file in listing order.
 */
export async function* planTabular(
  ds: Datastore,
  entries: AsyncIterable<DatastoreEntry> | DatastoreEntry[],
  options: TabularOptions,
  maxBytes: number,
): AsyncGenerator<TabularSlice> {
  const resolved = checkTabularOptions(options);
  resolveMiniBatchSize(maxBytes, "tabular");
  for await (const entry of entries) yield* planTabularFile(ds, entry, resolved, maxBytes);
}
