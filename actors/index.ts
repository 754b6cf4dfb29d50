export { StreamCoordinator, DEFAULT_MAX_BUFFERED_BATCHES, DEFAULT_MAX_BUFFERED_BYTES } from './stream-coordinator.js';
export type { StreamCoordinatorOptions, RegisterOptions } from './stream-coordinator.js';
export type { CoordinatorStats, MicroBatch, PartitionEntry, PartitionSelector, PullManyResult, PullResult, RegisterResult } from './stream-coordinator-protocol.js';
export { StreamingIterator, type StreamBatch, type StreamingIteratorOptions } from './streaming-iterator.js';
export { Producer, type ArrowSource, type ArrowChunk, type ProducerOptions, type ProducerStatus } from './producer.js';
export { batchByteLength, type BatchInput } from '../runtime/base/arrow.js';
export { metricsRegistry } from './stream-metrics.js';
export { printStats, formatStatsLine, type PrintStatsOptions, type StatsPrinter } from './print-stats.js';
export { serveMetrics, type ServeMetricsOptions, type MetricsServer } from './metrics-server.js';
