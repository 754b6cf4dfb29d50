/**
 * drls/streaming: the coordinator, iterators and producers, partitioned consumers on worker
 * threads, and the two bridge directions between Spark and Node. This file only re-exports.
 */
export {
  StreamCoordinator,
  StreamingIterator,
  Producer,
  DEFAULT_MAX_BUFFERED_BATCHES,
  DEFAULT_MAX_BUFFERED_BYTES,
  type ArrowChunk,
  type ArrowSource,
  type ConsumerOptions,
  type CoordinatorStats,
  type MicroBatch,
  type PartitionEntry,
  type PartitionSelector,
  type ProducerOptions,
  type ProducerStatus,
  type PublishOptions,
  type PullManyResult,
  type PullResult,
  type RegisterResult,
  type StreamBatch,
  type StreamCoordinatorOptions,
  type StreamingIteratorOptions,
} from './actors/index.js';
export { batchByteLength, type BatchInput } from './runtime/base/index.js';
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
export * from './bridge/streaming/index.js';
