/**
 * drls: the named-actor runtime, Spark (the local server, the Spark Connect client's types)
 * and every error class. Streaming lives in `drls/streaming`, monitoring in
 * `drls/streaming/monitor`. This file only re-exports.
 */
export {
  ActorRuntime,
  ActorHandle,
  init,
  runtime,
  shutdown,
  spawn,
  getActor,
  getOrCreate,
  listActors,
  stopActor,
  onActorError,
} from './runtime/index.js';
export type {
  ActorContext,
  ActorErrorEvent,
  ActorErrorListener,
  ActorRuntimeOptions,
  AskOptions,
  AskableType,
  Behavior,
  Message,
  MessageOfType,
  Outgoing,
  Reply,
  ReplyOf,
  SpawnOptions,
  SupervisionPolicy,
} from './runtime/index.js';
export type { Clock } from './runtime/base/index.js';
export { initSpark, stopSpark, connectorJarPath, SPARK_VERSION, type InitSparkOptions } from './bridge/spark/index.js';
// The Spark Connect client: made by a session, never constructed directly, so types only.
export type {
  SparkSession,
  DataFrame,
  DataFrameReader,
  DataStreamReader,
  DataFrameWriter,
  DataStreamWriter,
  ForeachBatchFunction,
  StreamingQuery,
  StreamingQueryManager,
  RuntimeConfig,
  OutputMode,
  Trigger,
  WriteMode,
  OptionValue,
  StructType,
  StructField,
  StreamingQueryStatus,
  StreamingQueryProgress,
  StreamingQueryException,
} from './bridge/connect/index.js';
// The expression API: Columns and Spark's functions (`functions`, the most used also by name), windows.
export {
  functions,
  col,
  lit,
  expr,
  when,
  fn,
  Window,
  isBuiltinFunction,
  builtinFunctionGroup,
  builtinFunctionNames,
  BUILTIN_FUNCTIONS_VERSION,
} from './bridge/connect/index.js';
export type {
  Column,
  ColumnOrName,
  ColumnOrLiteral,
  LiteralValue,
  FunctionArg,
  SparkFunctionName,
  SparkFunctionGroup,
  WindowSpec,
  FrameBound,
  GroupedData,
  AggregateName,
  DataFrameNaFunctions,
  FillValue,
  NaDropOptions,
  Catalog,
  CatalogDatabase,
  CatalogTable,
  CatalogColumn,
  JoinType,
  ExplainMode,
} from './bridge/connect/index.js';
export * from './runtime/base/errors.js';
export { ERROR_CODES, type ErrorCode } from './runtime/base/error-codes.js';
