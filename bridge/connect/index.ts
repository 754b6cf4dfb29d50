// The TypeScript Spark Connect client: sessions, DataFrames, readers/writers, streaming queries.
export { SparkSession, type ConnectOptions } from './session.js';
export { DataFrame } from './dataframe.js';
export { DataFrameReader, DataStreamReader } from './reader.js';
export { DataFrameWriter, type WriteMode } from './writer.js';
export { DataStreamWriter, type OutputMode, type Trigger } from './stream-writer.js';
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
