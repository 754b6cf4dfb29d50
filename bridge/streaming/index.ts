// Spark to Node and back: the two bridge directions, each over a coordinator and the wire endpoint.
export { fromSparkStreaming, type FromSparkStreamingOptions, type ForwardStream } from './from-spark-streaming.js';
export { toSparkStreaming, type ToSparkStreamingOptions, type ReverseStream, type ReverseStreamHandle } from './to-spark-streaming.js';
export type { StreamHandle } from './stream-handle.js';
export type { EndpointAddressOptions } from './stream-bridge.js';
export type { EndpointTlsOptions } from '../endpoint/index.js';
export type { BatchSizeOptions, BridgedStreamOptions, WriteQueryOptions } from './stream-options.js';
export type { StreamLogOptions, FsyncPolicy } from './stream-log/log-options.js';
export type { ResumableSource } from './to-spark-streaming.js';
export { enableForeachBatch, type ForeachBatchOptions } from './foreach-batch.js';
