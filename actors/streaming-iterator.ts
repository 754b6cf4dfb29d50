import { randomUUID } from 'node:crypto';
import type { RecordBatch, Schema } from 'apache-arrow';
import { entryBatches, materialize, pullStored, registerOwn, unregisterOwn, type ConsumerOptions, type StreamCoordinator } from './stream-coordinator.js';
import type { MicroBatch, PullManyResult, PullResult, RegisterResult } from './stream-coordinator-protocol.js';
import { checkPositive } from '../runtime/base/index.js';

const END: PullResult = { kind: 'end' };
const TIMEOUT = Symbol('timeout');

/** A record batch with where it came from. */
export interface StreamBatch {
  readonly batchId: number;
  /** The Spark epoch of its micro-batch (forward path); null for data published in Node. */
  readonly epoch: number | null;
  readonly partition: number;
  readonly batch: RecordBatch;
}

// The raw take and the acknowledgement, for the library's partitioned runner only.
let takeOf: (it: StreamingIterator) => Promise<MicroBatch | undefined>;
let acknowledgeOf: (it: StreamingIterator, batchId: number) => Promise<void>;

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
 *
 * Acknowledgements (what a stream log keeps until every consumer is done with it): a
 * micro-batch is acknowledged when the loop asks for the next record batch after its last
 * one; `break` acknowledges nothing more (the micro-batch it broke in comes again after a
 * restart); `pull()` and `microBatches()` acknowledge a micro-batch when the next one is asked for.
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
  #lastEpoch: number | null = null;
  /** The newest micro-batch handed out and not yet acknowledged. */
  #unacknowledged: number | undefined;
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

  /** The Spark epoch of that micro-batch (null before the first, or for data published in Node). */
  get lastEpoch(): number | null {
    return this.#lastEpoch;
  }

  static {
    takeOf = async (it) => {
      const next = await it.#take(); // no timeout: never TIMEOUT
      return next === TIMEOUT ? undefined : next;
    };
    acknowledgeOf = (it, batchId) => it.#acknowledge(batchId);
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
    // Asking for the next one means the last one is done with.
    if (this.#unacknowledged !== undefined) await this.#acknowledge(this.#unacknowledged);
    const next = await this.#take(options.timeoutMs);
    if (next === undefined) return END;
    if (next === TIMEOUT) return { kind: 'timeout' };
    this.#unacknowledged = next.batchId;
    return { kind: 'batch', batch: await materialize(next, this.coordinator.streamId) };
  }

  /** The next micro-batch as the coordinator holds it (stored entries not read yet); undefined at the end. */
  async #take(timeoutMs?: number): Promise<MicroBatch | typeof TIMEOUT | undefined> {
    if (this.#closed) return undefined;
    if (this.#queue.length === 0 && !this.#ended) {
      const { consumerId } = await this.#registration;
      const result: PullManyResult = await pullStored(this.coordinator, consumerId, { maxBatches: this.#prefetch, maxBytes: this.#prefetchBytes, timeoutMs });
      if (result.kind === 'timeout') return TIMEOUT;
      if (result.kind === 'end') this.#ended = true;
      else this.#queue = [...result.batches];
    }
    const next = this.#queue.shift();
    if (!next) return undefined;
    this.#lastBatchId = next.batchId;
    this.#lastEpoch = next.epoch;
    return next;
  }

  async #acknowledge(batchId: number): Promise<void> {
    if (this.#unacknowledged !== undefined && this.#unacknowledged <= batchId) this.#unacknowledged = undefined;
    if (this.#closed || !this.coordinator.alive) return;
    const { consumerId } = await this.#registration;
    await this.coordinator.acknowledge(consumerId, batchId);
  }

  /**
   * Every record batch with its batch id, epoch and partition. A micro-batch whose data is on
   * disk (a spilled epoch, or one replayed from a stream log) is read a payload at a time.
   */
  async *entries(): AsyncGenerator<StreamBatch, void, undefined> {
    try {
      for (;;) {
        const micro = await this.#take();
        if (!micro || micro === TIMEOUT) return;
        for (const entry of micro.partitions) {
          for await (const batch of entryBatches(entry, this.coordinator.streamId)) {
            yield { batchId: micro.batchId, epoch: micro.epoch, partition: entry.partition, batch };
          }
        }
        // Reached only when the loop asks for the record batch after the micro-batch's last one.
        await this.#acknowledge(micro.batchId);
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

/** @internal The next micro-batch as held (stored entries unread), undefined at the end: the partitioned runner reads entries itself. */
export function takeMicroBatch(it: StreamingIterator): Promise<MicroBatch | undefined> {
  return takeOf(it);
}

/** @internal Acknowledge every micro-batch up to `batchId` for this iterator's consumer. */
export function acknowledgeMicroBatch(it: StreamingIterator, batchId: number): Promise<void> {
  return acknowledgeOf(it, batchId);
}
