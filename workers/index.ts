// Partitioned consumers: iterators sharing a stream's partitions, and worker threads running them.
export { createPartitionedIterators, assignPartitions, type PartitionedIteratorsOptions } from './partitioned-iterators.js';
export { runPartitioned, type PartitionedRunOptions, type RunSummary } from './partitioned-runner.js';
export type { TransferMode } from './arrow-transfer.js';
export type { BatchInfo } from './batch-info.js';
