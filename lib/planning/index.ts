export { planTabular, planPartitions, type PartitionPlanOptions, type TabularSlice } from "./tabular";
export { planFiles } from "./files";
export { parseSize } from "./size";
export { syntheticListing } from "./synthetic";
