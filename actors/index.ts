// The stream coordinator, its iterators and the producer, each a typed handle on an actor.
export { StreamCoordinator, DEFAULT_MAX_BUFFERED_BATCHES, DEFAULT_MAX_BUFFERED_BYTES } from './stream-coordinator.js';
export type { StreamCoordinatorOptions, ConsumerOptions, PublishOptions } from './stream-coordinator.js';
export type { CoordinatorStats, MicroBatch, PartitionEntry, PartitionSelector, PullManyResult, PullResult, RegisterResult } from './stream-coordinator-protocol.js';
export { StreamingIterator, type StreamBatch, type StreamingIteratorOptions } from './streaming-iterator.js';
export { Producer, type ArrowSource, type ArrowChunk, type ProducerOptions, type ProducerStatus } from './producer.js';
