import { randomUUID } from 'node:crypto';
import type { RecordBatch, Schema } from 'apache-arrow';
import { registerOwn, unregisterOwn, type ConsumerOptions, type StreamCoordinator } from './stream-coordinator.js';
import type { MicroBatch, PullManyResult, PullResult, RegisterResult } from './stream-coordinator-protocol.js';
import { checkPositive } from '../runtime/base/index.js';

const END: PullResult = { kind: 'end' };

/** A record batch with where it came from. */
export interface StreamBatch {
  readonly batchId: number;
  readonly partition: number;
  readonly batch: RecordBatch;
}

export interface StreamingIteratorOptions extends ConsumerOptions {
  /**
   * Micro-batches taken per round trip to the coordinator (default 16). They stay counted
   * against the buffer's limits until the iterator has handed them all out.
   */
  prefetch?: number;
  /**
   * Past the first micro-batch, the most bytes one round trip takes (default and upper
   * bound: a sixteenth of the coordinator's `maxBufferedBytes`). Large batches then come a
   * few at a time and are released as soon as more are asked for, instead of sixteen
   * being freed in one lump after the last is read.
   */
  prefetchBytes?: number;
}

/**
 * `for await (const batch of iterator)` over a stream's record batches. The consumer is
 * registered when the iterator is made, so nothing published after that is collected
 * before it is seen; `break` (or `close()`) deregisters it, and a failed stream throws
 * out of the loop.
 */
export class StreamingIterator implements AsyncIterable<RecordBatch> {
  readonly coordinator: StreamCoordinator;
  readonly #registration: Promise<RegisterResult>;
  readonly #consumerId: string;
  readonly #prefetch: number;
  readonly #prefetchBytes: number | undefined;
  #queue: MicroBatch[] = [];
  #ended = false;
  #lastBatchId = -1;
  #closed = false;
  readonly #registrationId: string;

  constructor(coordinator: StreamCoordinator, options: StreamingIteratorOptions = {}) {
    this.coordinator = coordinator;
    const { prefetch = 16, prefetchBytes, ...register } = options;
    checkPositive(prefetch, 'options.prefetch', { integer: true });
    if (prefetchBytes !== undefined) checkPositive(prefetchBytes, 'options.prefetchBytes');
    this.#prefetch = prefetch;
    this.#prefetchBytes = prefetchBytes;
    // Named here, so close() can deregister even while registration still waits for a first batch.
    this.#consumerId = options.consumerId ?? `consumer-${randomUUID().slice(0, 8)}`;
    // Deregistered by this registration's own id: if the consumerId was refused as a duplicate,
    // closing this iterator must not remove the consumer that holds it.
    this.#registrationId = randomUUID();
    this.#registration = registerOwn(coordinator, { ...register, consumerId: this.#consumerId }, this.#registrationId);
    // The error is re-thrown to whoever iterates; this only keeps it from being "unhandled".
    this.#registration.catch(() => undefined);
  }

  get consumerId(): string {
    return this.#consumerId;
  }

  /** The id of the last micro-batch this iterator delivered from, -1 before the first. */
  get lastBatchId(): number {
    return this.#lastBatchId;
  }

  /** Waits for registration: the consumer id and the stream's schema (null if it ended empty). */
  async ready(): Promise<{ consumerId: string; schema: Schema | null; numPartitions: number }> {
    const r = await this.#registration;
    return { consumerId: r.consumerId, schema: r.schema, numPartitions: r.numPartitions };
  }

  /**
   * The next micro-batch (restricted to this iterator's partitions), as the coordinator's own
   * `pull` answers: `{ kind: 'batch', batch }`, `{ kind: 'end' }`, or `{ kind: 'timeout' }`.
   */
  async pull(options: { timeoutMs?: number } = {}): Promise<PullResult> {
    if (this.#closed) return END;
    if (this.#queue.length === 0 && !this.#ended) {
      const { consumerId } = await this.#registration;
      const result: PullManyResult = await this.coordinator.pullMany(consumerId, { maxBatches: this.#prefetch, maxBytes: this.#prefetchBytes, timeoutMs: options.timeoutMs });
      if (result.kind === 'timeout') return result;
      if (result.kind === 'end') this.#ended = true;
      else this.#queue = [...result.batches];
    }
    const next = this.#queue.shift();
    if (!next) return END;
    this.#lastBatchId = next.batchId;
    return { kind: 'batch', batch: next };
  }

  /** Every record batch with its batch id and partition. */
  async *entries(): AsyncGenerator<StreamBatch, void, undefined> {
    try {
      for (;;) {
        const next = await this.pull();
        if (next.kind !== 'batch') return;
        const micro = next.batch;
        for (const entry of micro.partitions) {
          for (const batch of entry.batches) yield { batchId: micro.batchId, partition: entry.partition, batch };
        }
      }
    } finally {
      await this.close();
    }
  }

  /** Whole micro-batches, one per pull. */
  async *microBatches(): AsyncGenerator<MicroBatch, void, undefined> {
    try {
      for (;;) {
        const next = await this.pull();
        if (next.kind !== 'batch') return;
        yield next.batch;
      }
    } finally {
      await this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordBatch, void, undefined> {
    for await (const entry of this.entries()) yield entry.batch;
  }

  /** Deregister the consumer, letting the coordinator collect what it held for it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Deregistering an unknown or failed consumer is a no-op, so errors here mean nothing to undo.
    if (this.coordinator.alive) await unregisterOwn(this.coordinator, this.#consumerId, this.#registrationId).catch(() => undefined);
  }
}
