export { createPartitionedIterators, assignPartitions, type PartitionedIteratorsOptions } from './partitioned-iterators.js';
export { runPartitioned, type PartitionedRunOptions, type RunSummary } from './partitioned-runner.js';
export { packBatches, unpackBatches, type BatchPacket, type TransferMode } from './arrow-transfer.js';
export type { BatchInfo } from './batch-info.js';
