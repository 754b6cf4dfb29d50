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
  Reservation,
} from './stream-coordinator-protocol.js';
import { storedOf } from './stream-coordinator-protocol.js';

export interface StreamLimits {
  readonly maxBufferedBatches: number;
  readonly maxBufferedBytes: number;
}

/** Hooks the metrics hang on; called synchronously, so they must be cheap. */
export interface StreamObserver {
  published(waitedSeconds: number): void;
  pulled(waitedSeconds: number): void;
}

/** What a buffer is told when it is made, apart from its limits. */
export interface StreamBufferOptions {
  readonly observer?: StreamObserver | undefined;
  readonly clock?: Clock | undefined;
  /** The first batch id (a stream log's first position, so ids stay monotonic across restarts). Default 0. */
  readonly firstBatchId?: number | undefined;
  /**
   * Called when every registered consumer has acknowledged every batch up to `throughBatchId`
   * (never moving back); what it returns is awaited by the acknowledgement that moved it.
   */
  readonly onAcknowledged?: ((throughBatchId: number) => Promise<void> | void) | undefined;
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
  /** Every batch before this id is acknowledged: processed, or skipped as none of its partitions. */
  acked: number;
  /** The newest batch id delivered to it, -1 before the first. */
  lastDelivered: number;
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
  readonly partitions: readonly PartitionEntry[];
  readonly schema: Schema;
  readonly numRows: number;
  readonly numBytes: number;
  readonly stored: boolean;
  readonly watermark: number | null;
  readonly epoch: number | null;
  readonly batchId: number | undefined;
  readonly since: number;
  readonly reply: Reply<number>;
}

interface PendingReservation {
  readonly bytes: number;
  /** May be answered 'spill' instead of waiting for room that only its own publish could make. */
  readonly spillable: boolean;
  readonly reply: Reply<Reservation>;
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
  readonly #onAcknowledged: StreamBufferOptions['onAcknowledged'];
  readonly #batches = new Map<number, MicroBatch>();
  readonly #consumers = new Map<string, Consumer>();
  readonly #pending: PendingPublish[] = [];
  readonly #registers: { consumer: Consumer; reply: Reply<RegisterResult> }[] = [];
  readonly #drains: Waiter<void>[] = [];
  readonly #reservations: PendingReservation[] = [];
  #reserved = 0;
  #schema: Schema | null = null;
  #schemaSig = '';
  #numPartitions = 0;
  #nextBatchId: number;
  #oldestBatchId: number;
  /** Every batch up to this id is acknowledged by every consumer (-1 below the first batch id). */
  #ackedThrough: number;
  /** The onAcknowledged call of the newest advance, awaited by whoever moved it. */
  #ackWritten: Promise<void> | void = undefined;
  #stored = 0;
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

  constructor(streamId: string, limits: StreamLimits, options: StreamBufferOptions = {}) {
    this.streamId = streamId;
    this.#limits = limits;
    this.#observer = options.observer;
    this.#clock = options.clock ?? systemClock;
    this.#onAcknowledged = options.onAcknowledged;
    this.#nextBatchId = this.#oldestBatchId = options.firstBatchId ?? 0;
    this.#ackedThrough = this.#nextBatchId - 1;
  }

  // ---- producer side -------------------------------------------------------------

  publish(request: PublishRequest, reply: Reply<number>): void {
    // Bytes reserved for this data while it was staged now travel with the publish itself.
    if (request.reservedBytes) this.#reserved = Math.max(0, this.#reserved - request.reservedBytes);
    if (this.#failure) return reply.reject(this.#failure);
    if (this.#complete) return reply.reject(new StreamClosedError(this.streamId));
    const partitions = request.entries;
    const schemas: Schema[] = [];
    let stored = false;
    for (const p of partitions) {
      const s = storedOf(p);
      if (s) {
        stored = true;
        schemas.push(s.schema);
      } else for (const b of p.batches) schemas.push(b.schema);
    }
    const schema = schemas[0];
    if (!schema) return reply.reject(new InvalidArgumentError('publish needs at least one record batch'));
    const sig = schemaSignature(schema);
    for (const other of schemas) {
      const s = schemaSignature(other);
      if (s !== sig) return reply.reject(new SchemaMismatchError(this.streamId, `[${s}] vs [${sig}]`));
    }
    if (this.#schema && sig !== this.#schemaSig) {
      return reply.reject(new SchemaMismatchError(this.streamId, `got [${sig}], expected [${this.#schemaSig}]`));
    }
    if (!this.#schema) {
      // The first batch fixes the schema, even while it still waits for room.
      this.#schema = schema;
      this.#schemaSig = sig;
    }
    const { numRows, numBytes } = entrySizes(partitions);
    this.#pending.push({
      partitions,
      schema,
      numRows,
      numBytes,
      stored,
      watermark: request.watermark,
      epoch: request.epoch ?? null,
      batchId: request.batchId,
      since: this.#clock.now(),
      reply,
    });
    this.#admit();
  }

  /**
   * Reserve room for data that is still arriving (a Spark epoch being staged): pending while
   * the buffer is full, counted against the bytes limit until published or released. This is
   * what lets backpressure reach Spark before an epoch is complete.
   */
  reserve(bytes: number, spillable: boolean, reply: Reply<Reservation>): void {
    if (this.#failure) return reply.reject(this.#failure);
    this.#reservations.push({ bytes, spillable, reply });
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
    const start = startBatchId ?? this.#oldestBatchId;
    const consumer: Consumer = {
      id,
      cursor: start,
      acked: start,
      lastDelivered: -1,
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

  /** The next micro-batch; asking acknowledges what the consumer was given before. */
  pull(consumerId: string, timeoutMs: number | undefined, reply: Reply<PullResult>): void {
    this.#pull(consumerId, timeoutMs, reply, SINGLE, true);
  }

  /** Several; with `acknowledges` false, asking acknowledges nothing (the caller acknowledges each itself). */
  pullMany(consumerId: string, many: PullLimits, timeoutMs: number | undefined, reply: Reply<PullManyResult>, acknowledges = true): void {
    this.#pull(consumerId, timeoutMs, reply, many, acknowledges);
  }

  #pull(consumerId: string, timeoutMs: number | undefined, reply: Reply<PullResult> | Reply<PullManyResult>, many: PullLimits, acknowledges: boolean): void {
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
    if (acknowledges) consumer.acked = Math.max(consumer.acked, consumer.cursor);
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

  /**
   * The consumer has processed every batch up to `batchId`. Answers what the stream's
   * acknowledgement listener returned if this moved the stream's acknowledged mark (a log
   * writing it down), so the caller can wait for that.
   */
  acknowledge(consumerId: string, batchId: number): Promise<void> | void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) {
      throw new InvalidArgumentError(`consumer "${consumerId}" is not registered on stream "${this.streamId}"`);
    }
    consumer.cursor = Math.max(consumer.cursor, batchId + 1);
    // Past the last batch it was given, batches skipped since (none of its partitions) go too.
    consumer.acked = Math.max(consumer.acked, batchId >= consumer.lastDelivered ? consumer.cursor : batchId + 1);
    const before = this.#ackedThrough;
    this.#collect();
    return this.#ackedThrough > before ? this.#ackWritten : undefined;
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
      storedBatches: this.#stored,
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

  /**
   * Answer waiting reservations, in order: room in memory while there is some. A spillable one
   * that does not fit while nothing published is buffered would wait for room only its own
   * epoch's publish could make: it is answered 'spill' (its data goes to disk) at once. Others
   * keep the old rule: an empty buffer lets them in, however large.
   */
  #grant(): void {
    while (this.#reservations.length > 0) {
      const r = this.#reservations[0]!;
      const empty = this.#batches.size === 0;
      if (r.spillable) {
        const fits = (empty || this.#batches.size < this.#limits.maxBufferedBatches) && this.#bufferedBytes + this.#reserved + r.bytes <= this.#limits.maxBufferedBytes;
        if (!fits && !empty) return;
        this.#reservations.shift();
        if (fits) this.#reserved += r.bytes;
        r.reply.resolve(fits ? 'memory' : 'spill');
        continue;
      }
      if (!this.#hasRoom()) return;
      this.#reservations.shift();
      this.#reserved += r.bytes;
      r.reply.resolve('memory');
    }
  }

  /** Accept pending publishes, in order, while there is room. */
  #admit(): void {
    let admitted = false;
    while (this.#pending.length > 0 && this.#hasRoom()) {
      const p = this.#pending.shift()!;
      if (p.batchId !== undefined && p.batchId !== this.#nextBatchId) {
        p.reply.reject(new InvalidArgumentError(`stream "${this.streamId}": batch ${p.batchId} of its log would be numbered ${this.#nextBatchId}; publish into a logged stream only through its producer`));
        continue;
      }
      const batchId = this.#nextBatchId++;
      const batch: MicroBatch = {
        batchId,
        epoch: p.epoch,
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
      if (p.stored) this.#stored++;
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
      const view = batch && restrict(batch, consumer.partitions);
      if (view && out.length > 0 && bytes + view.numBytes > byteCap) break;
      // A batch with nothing for it, while it has acknowledged all it was given, is done with too.
      if (!view && consumer.acked === consumer.cursor) consumer.acked++;
      consumer.cursor++;
      if (view) {
        out.push(view);
        bytes += view.numBytes;
        consumer.lastDelivered = view.batchId;
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
          if (batch.partitions.some((e) => storedOf(e))) this.#stored--;
          dropped++;
        }
        this.#oldestBatchId++;
      }
      this.#collected += dropped;
      this.#noteAcknowledged();
    }
    if (this.#pending.length > 0 && this.#hasRoom()) this.#admit();
    if (this.#reservations.length > 0) this.#grant();
    this.#settleDrains();
  }

  /** Moves the stream's acknowledged mark to what every registered consumer has acknowledged. */
  #noteAcknowledged(): void {
    let min = Infinity;
    for (const c of this.#consumers.values()) min = Math.min(min, c.acked);
    const through = Math.min(min, this.#nextBatchId) - 1;
    if (through <= this.#ackedThrough) return;
    this.#ackedThrough = through;
    if (!this.#onAcknowledged) return;
    const written = this.#onAcknowledged(through);
    if (written) written.catch(() => undefined); // its error reaches whoever awaits it
    this.#ackWritten = written;
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
  const entries = batch.partitions.filter((e) => partitions.has(e.partition) && (e.batches.length > 0 || storedOf(e)));
  if (entries.length === 0) return undefined;
  if (entries.length === batch.partitions.length) return batch;
  return { ...batch, partitions: entries, ...entrySizes(entries) };
}

/** Rows and bytes of some entries, stored ones by what their log says. */
function entrySizes(entries: readonly PartitionEntry[]): { numRows: number; numBytes: number } {
  let numRows = 0;
  let numBytes = 0;
  for (const e of entries) {
    const stored = storedOf(e);
    if (stored) {
      numRows += stored.numRows;
      numBytes += stored.numBytes;
      continue;
    }
    for (const b of e.batches) {
      numRows += b.numRows;
      numBytes += batchByteLength(b);
    }
  }
  return { numRows, numBytes };
}
