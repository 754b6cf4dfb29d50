// The TypeScript Spark Connect client: sessions, DataFrames, readers/writers, streaming queries.
export { SparkSession, type ConnectOptions } from './session.js';
export { DataFrame, type JoinType, type ExplainMode } from './dataframe.js';
export { DataFrameReader, DataStreamReader } from './reader.js';
export { DataFrameWriter, type WriteMode } from './writer.js';
export { DataStreamWriter, type OutputMode, type Trigger } from './stream-writer.js';
export type { ForeachBatchFunction } from './foreach-batch.js';
export {
  StreamingQuery,
  type StreamingQueryStatus,
  type StreamingQueryProgress,
  type StreamingQueryException,
} from './streaming-query.js';
export { StreamingQueryManager } from './streaming-query-manager.js';
export { RuntimeConfig } from './runtime-config.js';
export type { StructType, StructField } from './schema.js';
export type { OptionValue } from './option-values.js';
export { parseRemote, type RemoteAddress } from './remote.js';
// The expression API: Columns, Spark's functions (typed ones, and every built-in by name), windows.
export { Column, type ColumnOrName, type ColumnOrLiteral } from './column.js';
export type { LiteralValue } from './literal.js';
export * as functions from './functions.js';
export { col, lit, expr, when, fn } from './functions.js';
export type { FunctionArg } from './functions.js';
export {
  isBuiltinFunction,
  builtinFunctionGroup,
  builtinFunctionNames,
  BUILTIN_FUNCTIONS_VERSION,
  type SparkFunctionName,
  type SparkFunctionGroup,
} from './builtin-functions.js';
export { Window, WindowSpec, type FrameBound } from './window.js';
export { GroupedData, type AggregateName } from './grouped-data.js';
export { DataFrameNaFunctions, type FillValue, type NaDropOptions } from './na-functions.js';
export { Catalog, type CatalogDatabase, type CatalogTable, type CatalogColumn } from './catalog.js';
