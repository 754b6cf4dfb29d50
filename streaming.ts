/** drls/streaming: the coordinator, iterators, producers and partitioned consumers. */
export {
  StreamCoordinator,
  StreamingIterator,
  Producer,
  batchByteLength,
  DEFAULT_MAX_BUFFERED_BATCHES,
  DEFAULT_MAX_BUFFERED_BYTES,
} from './actors/index.js';
export type {
  ArrowChunk,
  ArrowSource,
  BatchInput,
  CoordinatorStats,
  MicroBatch,
  PartitionEntry,
  PartitionSelector,
  ProducerOptions,
  ProducerStatus,
  PullManyResult,
  PullResult,
  RegisterOptions,
  RegisterResult,
  StreamBatch,
  StreamCoordinatorOptions,
  StreamingIteratorOptions,
} from './actors/index.js';
export {
  createPartitionedIterators,
  assignPartitions,
  runPartitioned,
  type BatchInfo,
  type PartitionedIteratorsOptions,
  type PartitionedRunOptions,
  type RunSummary,
  type TransferMode,
} from './workers/index.js';
export {
  fromSparkStreaming,
  toSparkStreaming,
  BridgedStreamingQuery,
  type FromSparkStreamingOptions,
  type ForwardStream,
  type ToSparkStreamingOptions,
  type ReverseStream,
  type ReverseStreamHandle,
  type EndpointAddressOptions,
} from './bridge/streaming/index.js';
export { JvmBridge, type JvmBridgeOptions } from './actors/jvm-bridge.js';
// The endpoint's errors, for `instanceof` (each also has a stable `code`).
export * from './runtime/base/index.js';
