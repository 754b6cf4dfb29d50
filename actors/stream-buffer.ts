import type { Schema } from 'apache-arrow';
import { BatchCollectedError, InvalidArgumentError, SchemaMismatchError, StreamClosedError, StreamFailedError, TimeoutError, batchByteLength, schemaSignature, systemClock, type Clock } from '../runtime/base/index.js';
import type { Reply } from '../runtime/index.js';
import type {
  CoordinatorStats,
  MicroBatch,
  PartitionEntry,
  PartitionSelector,
  PublishRequest,
  PullManyResult,
  PullResult,
  RegisterResult,
} from './stream-coordinator-protocol.js';

export interface StreamLimits {
  readonly maxBufferedBatches: number;
  readonly maxBufferedBytes: number;
}

/** Hooks the metrics hang on; called synchronously, so they must be cheap. */
export interface StreamObserver {
  published(waitedSeconds: number): void;
  pulled(waitedSeconds: number): void;
}

/** How much one `pullMany` answer may carry: batches, and bytes past the first batch. */
export interface PullLimits {
  readonly maxBatches: number;
  readonly maxBytes: number;
}

/** The limits of a single `pull`; it is answered with one batch, not a list. */
const SINGLE: PullLimits = { maxBatches: 1, maxBytes: Infinity };
/** A multi-batch pull takes at most 1/LUMPS of `maxBufferedBytes` past its first batch. */
const LUMPS = 16;

interface Consumer {
  readonly id: string;
  cursor: number;
  /** First batch id of a multi-batch pull the consumer may still be reading; kept until its next pull. */
  held: number | undefined;
  readonly partitions: PartitionFilter | undefined;
  parked: ParkedPull | undefined;
  /** The registering caller's own id for this registration, if it gave one. */
  readonly registration: string | undefined;
}

/** A consumer's share of the partitions; `listed` when it named them (checked against the stream). */
interface PartitionFilter {
  has(partition: number): boolean;
  readonly listed?: readonly number[];
}

function partitionFilter(selector: PartitionSelector): PartitionFilter {
  if ('modulo' in selector) {
    const { modulo, remainder } = selector;
    return { has: (p) => p % modulo === remainder };
  }
  const set = new Set<number>(selector);
  return { has: (p) => set.has(p), listed: selector };
}

interface ParkedPull {
  readonly reply: Reply<PullResult> | Reply<PullManyResult>;
  /** How much one answer may carry; SINGLE for `pull`. */
  readonly many: PullLimits;
  readonly since: number;
  timer: unknown;
}

interface PendingPublish {
  readonly partitions: PartitionEntry[];
  readonly schema: Schema;
  readonly numRows: number;
  readonly numBytes: number;
  readonly watermark: number | null;
  readonly since: number;
  readonly reply: Reply<number>;
}

interface Waiter<T> {
  readonly reply: Reply<T>;
  timer: unknown;
}

/**
 * The coordinator's state and rules, with no actor around them: the actor feeds it one
 * message at a time. Every wait (a full buffer, an empty one, the first batch, a drain)
 * is a reply kept here and settled when the condition changes, never a blocked handler.
 */
export class StreamBuffer {
  readonly streamId: string;
  readonly #limits: StreamLimits;
  readonly #observer: StreamObserver | undefined;
  readonly #clock: Clock;
  readonly #batches = new Map<number, MicroBatch>();
  readonly #consumers = new Map<string, Consumer>();
  readonly #pending: PendingPublish[] = [];
  readonly #registers: { consumer: Consumer; reply: Reply<RegisterResult> }[] = [];
  readonly #drains: Waiter<void>[] = [];
  readonly #reservations: { bytes: number; reply: Reply<void> }[] = [];
  #reserved = 0;
  #schema: Schema | null = null;
  #schemaSig = '';
  #numPartitions = 0;
  #nextBatchId = 0;
  #oldestBatchId = 0;
  #bufferedBytes = 0;
  #bufferedRows = 0;
  #published = 0;
  #collected = 0;
  #rowsPublished = 0;
  #bytesPublished = 0;
  #watermark: number | null = null;
  #complete = false;
  #failure: StreamFailedError | null = null;
  #anonymous = 0;

  constructor(streamId: string, limits: StreamLimits, observer?: StreamObserver, clock: Clock = systemClock) {
    this.streamId = streamId;
    this.#limits = limits;
    this.#observer = observer;
    this.#clock = clock;
  }

  // ---- producer side -------------------------------------------------------------

  publish(request: PublishRequest, reply: Reply<number>): void {
    // Bytes reserved for this data while it was staged now travel with the publish itself.
    if (request.reservedBytes) this.#reserved = Math.max(0, this.#reserved - request.reservedBytes);
    if (this.#failure) return reply.reject(this.#failure);
    if (this.#complete) return reply.reject(new StreamClosedError(this.streamId));
    const partitions = request.partitions.map((batches, partition) => ({ partition, batches }));
    const first = partitions.find((p) => p.batches.length > 0)?.batches[0];
    if (!first) return reply.reject(new InvalidArgumentError('publish needs at least one record batch'));
    const schema = first.schema;
    const sig = schemaSignature(schema);
    for (const p of partitions) {
      for (const b of p.batches) {
        const s = schemaSignature(b.schema);
        if (s !== sig) return reply.reject(new SchemaMismatchError(this.streamId, `[${s}] vs [${sig}]`));
      }
    }
    if (this.#schema && sig !== this.#schemaSig) {
      return reply.reject(new SchemaMismatchError(this.streamId, `got [${sig}], expected [${this.#schemaSig}]`));
    }
    if (!this.#schema) {
      // The first batch fixes the schema, even while it still waits for room.
      this.#schema = schema;
      this.#schemaSig = sig;
    }
    let numRows = 0;
    let numBytes = 0;
    for (const p of partitions) {
      for (const b of p.batches) {
        numRows += b.numRows;
        numBytes += batchByteLength(b);
      }
    }
    this.#pending.push({ partitions, schema, numRows, numBytes, watermark: request.watermark, since: this.#clock.now(), reply });
    this.#admit();
  }

  /**
   * Reserve room for data that is still arriving (a Spark epoch being staged): pending while
   * the buffer is full, counted against the bytes limit until published or released. This is
   * what lets backpressure reach Spark before an epoch is complete.
   */
  reserve(bytes: number, reply: Reply<void>): void {
    if (this.#failure) return reply.reject(this.#failure);
    this.#reservations.push({ bytes, reply });
    this.#grant();
  }

  release(bytes: number): void {
    this.#reserved = Math.max(0, this.#reserved - bytes);
    this.#collect();
  }

  complete(): void {
    if (this.#complete) return;
    this.#complete = true;
    this.#settle();
  }

  fail(reason: string, cause: unknown): void {
    if (this.#failure) return;
    this.#failure = new StreamFailedError(this.streamId, reason, cause);
    this.#complete = true;
    // Everyone waiting hears it at once: producers, consumers, registrations, drains.
    this.close(this.#failure);
  }

  // ---- consumer side -------------------------------------------------------------

  register(
    consumerId: string | undefined,
    partitions: PartitionSelector | undefined,
    startBatchId: number | undefined,
    reply: Reply<RegisterResult>,
    registration?: string,
  ): void {
    if (this.#failure) return reply.reject(this.#failure);
    const id = consumerId ?? `consumer-${this.#anonymous++}`;
    if (this.#consumers.has(id)) {
      return reply.reject(new InvalidArgumentError(`consumerId "${id}" is already registered on stream "${this.streamId}"`));
    }
    if (startBatchId !== undefined && startBatchId < this.#oldestBatchId) {
      return reply.reject(new BatchCollectedError(this.streamId, startBatchId, this.#oldestBatchId));
    }
    const consumer: Consumer = {
      id,
      cursor: startBatchId ?? this.#oldestBatchId,
      held: undefined,
      partitions: partitions ? partitionFilter(partitions) : undefined,
      parked: undefined,
      registration,
    };
    // Registered at once, so nothing it may still need is collected while it waits.
    this.#consumers.set(id, consumer);
    this.#registers.push({ consumer, reply });
    this.#settleRegistrations();
  }

  unregister(consumerId: string, registration?: string): void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer || (registration !== undefined && consumer.registration !== registration)) return;
    this.#consumers.delete(consumerId);
    this.#answerParked(consumer, { kind: 'end' });
    const i = this.#registers.findIndex((r) => r.consumer === consumer);
    if (i >= 0) this.#registers.splice(i, 1)[0]!.reply.resolve(this.#registration(consumer));
    this.#collect();
  }

  pull(consumerId: string, timeoutMs: number | undefined, reply: Reply<PullResult>): void {
    this.#pull(consumerId, timeoutMs, reply, SINGLE);
  }

  pullMany(consumerId: string, many: PullLimits, timeoutMs: number | undefined, reply: Reply<PullManyResult>): void {
    this.#pull(consumerId, timeoutMs, reply, many);
  }

  #pull(consumerId: string, timeoutMs: number | undefined, reply: Reply<PullResult> | Reply<PullManyResult>, many: PullLimits): void {
    if (this.#failure) return reply.reject(this.#failure);
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) {
      return reply.reject(new InvalidArgumentError(`consumer "${consumerId}" is not registered on stream "${this.streamId}"`));
    }
    if (consumer.parked) {
      return reply.reject(new InvalidArgumentError(`consumer "${consumerId}" already has a pull waiting; await it first`));
    }
    // Asking again means the consumer is done with what it took last time.
    consumer.held = undefined;
    const parked: ParkedPull = { reply, many, since: this.#clock.now(), timer: undefined };
    consumer.parked = parked;
    const result = this.#next(consumer, parked);
    if (result) {
      this.#answerParked(consumer, result);
      this.#collect();
      return;
    }
    this.#collect();
    if (timeoutMs !== undefined) {
      parked.timer = this.#clock.setTimeout(() => {
        if (consumer.parked !== parked) return;
        consumer.parked = undefined;
        reply.resolve({ kind: 'timeout' });
      }, timeoutMs);
    }
  }

  acknowledge(consumerId: string, batchId: number): void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) {
      throw new InvalidArgumentError(`consumer "${consumerId}" is not registered on stream "${this.streamId}"`);
    }
    consumer.cursor = Math.max(consumer.cursor, batchId + 1);
    this.#collect();
  }

  fetch(batchIds: readonly number[]): MicroBatch[] {
    if (this.#failure) throw this.#failure;
    return batchIds.map((id) => {
      const batch = this.#batches.get(id);
      if (batch) return batch;
      if (id < this.#oldestBatchId) throw new BatchCollectedError(this.streamId, id, this.#oldestBatchId);
      throw new InvalidArgumentError(`stream "${this.streamId}" has no batch ${id} yet (latest is ${this.#nextBatchId - 1})`);
    });
  }

  waitForDrain(timeoutMs: number | undefined, reply: Reply<void>): void {
    const waiter: Waiter<void> = { reply, timer: undefined };
    if (timeoutMs !== undefined) {
      waiter.timer = this.#clock.setTimeout(() => {
        const i = this.#drains.indexOf(waiter);
        if (i >= 0) this.#drains.splice(i, 1);
        reply.reject(new TimeoutError(`draining stream "${this.streamId}"`, timeoutMs));
      }, timeoutMs);
    }
    this.#drains.push(waiter);
    this.#settleDrains();
  }

  get latestBatchId(): number {
    return this.#nextBatchId - 1;
  }

  stats(): CoordinatorStats {
    const cursors: Record<string, number> = {};
    for (const c of this.#consumers.values()) cursors[c.id] = c.cursor;
    return {
      streamId: this.streamId,
      batchesPublished: this.#published,
      batchesGc: this.#collected,
      bufferSize: this.#batches.size,
      maxBuffered: this.#limits.maxBufferedBatches,
      bufferedBytes: this.#bufferedBytes,
      maxBufferedBytes: this.#limits.maxBufferedBytes,
      numConsumers: this.#consumers.size,
      consumerCursors: cursors,
      complete: this.#complete,
      error: this.#failure ? this.#failure.reason : null,
      latestWatermark: this.#watermark,
      rowsPublished: this.#rowsPublished,
      bytesPublished: this.#bytesPublished,
      rowsBuffered: this.#bufferedRows,
      pendingPublishes: this.#pending.length,
      reservedBytes: this.#reserved,
      waitingForConsumers: (this.#pending.length > 0 || this.#reservations.length > 0) && this.#consumers.size === 0,
      latestBatchId: this.#nextBatchId - 1,
    };
  }

  /** Lag in batches of each consumer, for the metrics. */
  consumerLags(): Array<[string, number]> {
    return [...this.#consumers.values()].map((c) => [c.id, Math.max(0, this.#nextBatchId - c.cursor)]);
  }

  /** Reject everyone still waiting (the stream failed, or the actor stopped): nobody is left hanging. */
  close(error: Error): void {
    for (const p of this.#pending.splice(0)) p.reply.reject(error);
    for (const r of this.#reservations.splice(0)) r.reply.reject(error);
    for (const r of this.#registers.splice(0)) r.reply.reject(error);
    for (const c of this.#consumers.values()) this.#answerParked(c, error);
    for (const d of this.#drains.splice(0)) this.#settleWaiter(d, error);
  }

  // ---- internals -----------------------------------------------------------------

  #hasRoom(): boolean {
    const size = this.#batches.size;
    // One oversized batch may enter an empty buffer. Reserved bytes do not count here: they are
    // an epoch still being staged, which must be able to outgrow the limit, or it never commits.
    if (size === 0) return true;
    return size < this.#limits.maxBufferedBatches && this.#bufferedBytes + this.#reserved < this.#limits.maxBufferedBytes;
  }

  /** Grant waiting reservations, in order, while there is room. */
  #grant(): void {
    while (this.#reservations.length > 0 && this.#hasRoom()) {
      const r = this.#reservations.shift()!;
      this.#reserved += r.bytes;
      r.reply.resolve();
    }
  }

  /** Accept pending publishes, in order, while there is room. */
  #admit(): void {
    let admitted = false;
    while (this.#pending.length > 0 && this.#hasRoom()) {
      const p = this.#pending.shift()!;
      const batchId = this.#nextBatchId++;
      const batch: MicroBatch = {
        batchId,
        partitions: p.partitions,
        schema: p.schema,
        numRows: p.numRows,
        numBytes: p.numBytes,
        timestamp: Date.now(),
        watermark: p.watermark,
      };
      this.#batches.set(batchId, batch);
      this.#numPartitions = Math.max(this.#numPartitions, p.partitions.length);
      this.#bufferedBytes += p.numBytes;
      this.#bufferedRows += p.numRows;
      this.#published++;
      this.#rowsPublished += p.numRows;
      this.#bytesPublished += p.numBytes;
      if (p.watermark !== null && (this.#watermark === null || p.watermark > this.#watermark)) this.#watermark = p.watermark;
      this.#observer?.published((this.#clock.now() - p.since) / 1000);
      p.reply.resolve(batchId);
      admitted = true;
    }
    if (admitted) this.#settle();
  }

  /** Wake whoever waits on new data or on the end. */
  #settle(): void {
    this.#settleRegistrations();
    for (const c of this.#consumers.values()) {
      if (!c.parked) continue;
      const result = this.#next(c, c.parked);
      if (result) this.#answerParked(c, result);
    }
    this.#collect();
  }

  #settleRegistrations(): void {
    if (!this.#schema && !this.#ended()) return;
    for (const r of this.#registers.splice(0)) {
      const bad = r.consumer.partitions?.listed?.find((p) => p >= this.#numPartitions);
      if (this.#schema && bad !== undefined) {
        this.#consumers.delete(r.consumer.id);
        r.reply.reject(
          new InvalidArgumentError(
            `partition ${bad} is out of range: stream "${this.streamId}" has ${this.#numPartitions} partition(s)`,
          ),
        );
        continue;
      }
      r.reply.resolve(this.#registration(r.consumer));
    }
  }

  #registration(consumer: Consumer): RegisterResult {
    return { consumerId: consumer.id, schema: this.#schema, numPartitions: this.#numPartitions, startBatchId: consumer.cursor };
  }

  /** The answer to a consumer's waiting pull if one is ready now, advancing its cursor. */
  #next(consumer: Consumer, parked: ParkedPull): PullResult | PullManyResult | undefined {
    const { maxBatches, maxBytes } = parked.many;
    // What one answer takes is freed in one lump at the consumer's next pull; keeping each
    // lump a small share of the byte limit keeps the process's peak memory near that limit.
    const byteCap = Math.min(maxBytes, this.#limits.maxBufferedBytes / LUMPS);
    const out: MicroBatch[] = [];
    let bytes = 0;
    while (consumer.cursor < this.#nextBatchId && out.length < maxBatches) {
      const batch = this.#batches.get(consumer.cursor);
      if (!batch) {
        consumer.cursor++;
        continue;
      }
      const view = restrict(batch, consumer.partitions);
      if (view && out.length > 0 && bytes + view.numBytes > byteCap) break;
      consumer.cursor++;
      if (view) {
        out.push(view);
        bytes += view.numBytes;
      }
    }
    if (out.length > 0) {
      if (parked.many === SINGLE) return { kind: 'batch', batch: out[0]! };
      consumer.held = out[0]!.batchId;
      return { kind: 'batches', batches: out };
    }
    return this.#ended() ? { kind: 'end' } : undefined;
  }

  #ended(): boolean {
    return this.#complete && this.#pending.length === 0;
  }

  #answerParked(consumer: Consumer, outcome: PullResult | PullManyResult | Error): void {
    const parked = consumer.parked;
    if (!parked) return;
    consumer.parked = undefined;
    if (parked.timer !== undefined) this.#clock.clearTimeout(parked.timer);
    if (outcome instanceof Error) return parked.reply.reject(outcome);
    this.#observer?.pulled((this.#clock.now() - parked.since) / 1000);
    (parked.reply as Reply<PullResult | PullManyResult>).resolve(outcome);
  }

  /** Drop batches every consumer has passed, then let waiting producers in. */
  #collect(): void {
    if (this.#consumers.size > 0) {
      let min = Infinity;
      for (const c of this.#consumers.values()) min = Math.min(min, c.held ?? c.cursor);
      let dropped = 0;
      while (this.#oldestBatchId < min && this.#oldestBatchId < this.#nextBatchId) {
        const batch = this.#batches.get(this.#oldestBatchId);
        if (batch) {
          this.#batches.delete(this.#oldestBatchId);
          this.#bufferedBytes -= batch.numBytes;
          this.#bufferedRows -= batch.numRows;
          dropped++;
        }
        this.#oldestBatchId++;
      }
      this.#collected += dropped;
    }
    if (this.#pending.length > 0 && this.#hasRoom()) this.#admit();
    if (this.#reservations.length > 0) this.#grant();
    this.#settleDrains();
  }

  #settleDrains(): void {
    if (this.#drains.length === 0) return;
    if (this.#failure) {
      for (const d of this.#drains.splice(0)) this.#settleWaiter(d, this.#failure);
      return;
    }
    if (this.#batches.size === 0 && this.#pending.length === 0) {
      for (const d of this.#drains.splice(0)) this.#settleWaiter(d);
    }
  }

  #settleWaiter(waiter: Waiter<void>, error?: Error): void {
    if (waiter.timer !== undefined) this.#clock.clearTimeout(waiter.timer);
    if (error) waiter.reply.reject(error);
    else waiter.reply.resolve();
  }
}

/** The part of a micro-batch a consumer restricted to some partitions sees; undefined if none. */
function restrict(batch: MicroBatch, partitions: PartitionFilter | undefined): MicroBatch | undefined {
  if (!partitions) return batch;
  const entries = batch.partitions.filter((e) => partitions.has(e.partition) && e.batches.length > 0);
  if (entries.length === 0) return undefined;
  if (entries.length === batch.partitions.length) return batch;
  let numRows = 0;
  let numBytes = 0;
  for (const e of entries) for (const b of e.batches) {
    numRows += b.numRows;
    numBytes += batchByteLength(b);
  }
  return { ...batch, partitions: entries, numRows, numBytes };
}
