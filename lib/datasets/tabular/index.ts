export { TabularOptions, resolveTabularOptions, type ResolvedTabularOptions } from "./options";
export { TabularSlice, type BadRow, type ReadSliceResult, type TabularRow, type TabularValue } from "./slice";
export { readSlice } from "./read";
export { csvField, csvLine, formatCsvRow, splitCsvRecord, splitCsvText } from "./csv-fields";
export { parquetLayout } from "./parquet";
