import { InvalidArgumentError, checkPositive } from '../runtime/base/index.js';
import type { StreamCoordinator } from '../actors/stream-coordinator.js';
import type { StreamingIterator } from '../actors/streaming-iterator.js';

export interface PartitionedIteratorsOptions {
  coordinator: StreamCoordinator;
  numConsumers: number;
  numPartitions: number;
  /** Prefix of the consumer ids (`<prefix>-<i>`); default `partitioned`. */
  consumerPrefix?: string;
}

function checkCounts(numConsumers: number, numPartitions: number): void {
  checkPositive(numConsumers, 'options.numConsumers', { integer: true });
  checkPositive(numPartitions, 'options.numPartitions', { integer: true });
}

/** Which partitions each consumer gets: partition p goes to consumer p % numConsumers. */
export function assignPartitions(numConsumers: number, numPartitions: number): number[][] {
  checkCounts(numConsumers, numPartitions);
  const out: number[][] = Array.from({ length: numConsumers }, () => []);
  for (let p = 0; p < numPartitions; p++) out[p % numConsumers]!.push(p);
  return out;
}

/**
 * One iterator per consumer over a shared coordinator, each restricted to its partitions
 * (3 consumers over 7 partitions: [0,3,6] [1,4] [2,5]). All are registered at once. A stream
 * with more partitions than `numPartitions` (a file source's epochs vary) loses none: partition
 * p always goes to consumer p % numConsumers.
 */
export function createPartitionedIterators(options: PartitionedIteratorsOptions): StreamingIterator[] {
  if (!options || typeof options !== 'object' || !options.coordinator) {
    throw new InvalidArgumentError('options.coordinator must be a StreamCoordinator');
  }
  const prefix = options.consumerPrefix ?? 'partitioned';
  const { numConsumers } = options;
  checkCounts(numConsumers, options.numPartitions);
  return Array.from({ length: numConsumers }, (_, i) =>
    options.coordinator.iterator({ consumerId: `${prefix}-${i}`, partitions: { modulo: numConsumers, remainder: i } }),
  );
}
