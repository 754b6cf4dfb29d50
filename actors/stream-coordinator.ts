import { randomUUID } from 'node:crypto';
import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import {
  ActorNotFoundError,
  ActorStoppedError,
  InvalidArgumentError,
  StreamFailedError,
  UnknownStreamError,
  batchByteLength,
  checkNonEmptyString,
  checkNonNegativeInteger,
  checkObject,
  checkOptionalString,
  checkPositive,
  checkTimeout,
  errorMessage,
  toRecordBatches,
  type BatchInput,
} from '../runtime/base/index.js';
import { runtime as defaultRuntime, type ActorHandle, type ActorRuntime, type Behavior, type Outgoing } from '../runtime/index.js';
import { trackStream } from './live-streams.js';
import { StreamBuffer, type StreamBufferOptions, type StreamLimits } from './stream-buffer.js';
import { storedOf } from './stream-coordinator-protocol.js';
import type {
  CoordinatorMessage,
  CoordinatorStats,
  MicroBatch,
  PartitionEntry,
  PullManyResult,
  PartitionSelector,
  PublishRequest,
  PullResult,
  RegisterResult,
  Reservation,
} from './stream-coordinator-protocol.js';
import { StreamingIterator, type StreamingIteratorOptions } from './streaming-iterator.js';

export const DEFAULT_MAX_BUFFERED_BATCHES = 64;
export const DEFAULT_MAX_BUFFERED_BYTES = 2 * 1024 ** 3;
const ACTOR_PREFIX = 'stream_coord_';

export interface StreamCoordinatorOptions {
  /** Name of the stream; the actor is `stream_coord_<streamId>`. Default: a random id. */
  streamId?: string;
  /** Default 64. */
  maxBufferedBatches?: number;
  /** Default 2 GiB. */
  maxBufferedBytes?: number;
  /** Default: the process-wide runtime. */
  runtime?: ActorRuntime;
}

export interface PublishOptions {
  /** Event-time watermark of this micro-batch (epoch milliseconds); `latestWatermark()` reports the newest. */
  watermark?: number;
}

export interface ConsumerOptions {
  consumerId?: string;
  /**
   * Only these partition entries are delivered: a list of indexes, or `{ modulo, remainder }`
   * for every partition p with p % modulo === remainder (a share of all partitions, present and
   * future, as partitioned consumers take them).
   */
  partitions?: PartitionSelector;
  /** Resume from this batch id (typed error if it was already collected). */
  startBatchId?: number;
}

// The actor behind each handle, for the library's own modules (staging, iterators) only.
let actorOf: (coordinator: StreamCoordinator) => ActorHandle<CoordinatorMessage>;
let runtimeOf: (coordinator: StreamCoordinator) => ActorRuntime;
let createWith: (options: StreamCoordinatorOptions, internal: CoordinatorInternals) => StreamCoordinator;

/** @internal What the library's own modules may set on a coordinator they create. */
export interface CoordinatorInternals {
  /** The first batch id (a stream log's first position). */
  readonly firstBatchId?: number;
  /** See StreamBufferOptions.onAcknowledged. */
  readonly onAcknowledged?: StreamBufferOptions['onAcknowledged'];
  /** Called once the coordinator has stopped (whoever stopped it), to let go of what it read from. */
  readonly onStopped?: () => void;
}

/**
 * The stream coordinator: a named actor `stream_coord_<streamId>` that buffers micro-batches
 * between producers and fan-out consumers, with backpressure by batches and by bytes.
 * This class is its typed handle; any number of them may point at the same actor.
 */
export class StreamCoordinator {
  readonly streamId: string;
  readonly #actor: ActorHandle<CoordinatorMessage>;
  readonly #runtime: ActorRuntime;

  private constructor(streamId: string, actor: ActorHandle<CoordinatorMessage>, rt: ActorRuntime) {
    this.streamId = streamId;
    this.#actor = actor;
    this.#runtime = rt;
  }

  static {
    actorOf = (c) => c.#actor;
    runtimeOf = (c) => c.#runtime;
    createWith = (options, internal) => {
      const { streamId, limits, rt } = checkOptions(options);
      const actor = rt.spawn(actorName(streamId), coordinatorBehavior(streamId, limits, rt, internal), { supervision: 'resume' });
      return new StreamCoordinator(streamId, actor, rt);
    };
  }

  /** Create a coordinator; a taken stream id is a ActorExistsError. */
  static create(options: StreamCoordinatorOptions = {}): StreamCoordinator {
    return createWith(options, {});
  }

  /** The coordinator of an existing stream; an unknown id is an UnknownStreamError. */
  static get(streamId: string, options: { runtime?: ActorRuntime } = {}): StreamCoordinator {
    checkNonEmptyString(streamId, 'streamId');
    const rt = options.runtime ?? defaultRuntime();
    try {
      return new StreamCoordinator(streamId, rt.getActor<CoordinatorMessage>(actorName(streamId)), rt);
    } catch (err) {
      if (err instanceof ActorNotFoundError) throw new UnknownStreamError(streamId);
      throw err;
    }
  }

  /** The coordinator of `options.streamId`, created with these options if there is none. */
  static getOrCreate(options: StreamCoordinatorOptions & { streamId: string }): StreamCoordinator {
    const { streamId, limits, rt } = checkOptions(options);
    const actor = rt.getOrCreate(actorName(streamId), () => coordinatorBehavior(streamId, limits, rt, {}), { supervision: 'resume' });
    return new StreamCoordinator(streamId, actor, rt);
  }

  /** The actor's name, as `getActor()` knows it. */
  get actorName(): string {
    return this.#actor.name;
  }

  /** False once the coordinator was removed. */
  get alive(): boolean {
    return this.#actor.alive;
  }

  /**
   * Publish one micro-batch and resolve with its batch id once it is in the buffer. Pending
   * while the buffer is full (by batches or bytes). `data` is one partition entry (a
   * RecordBatch, a Table or an array of RecordBatches), or with `{ partitions }` one entry
   * per partition.
   */
  publish(data: BatchInput, options?: PublishOptions): Promise<number>;
  publish(data: { partitions: readonly BatchInput[] }, options?: PublishOptions): Promise<number>;
  publish(data: BatchInput | { partitions: readonly BatchInput[] }, options: PublishOptions = {}): Promise<number> {
    return this.#actor.ask({ type: 'publish', request: publishRequest(data, options, {}) });
  }

  /** Register a consumer; resolves once the stream has its first batch (or ended). */
  register(options: ConsumerOptions = {}): Promise<RegisterResult> {
    return this.#actor.ask(registerMessage(options, undefined));
  }

  /** Remove a consumer; what it held may then be collected. */
  unregister(consumerId: string): Promise<void> {
    return this.#actor.ask({ type: 'unregister', consumerId, registration: undefined });
  }

  /**
   * The consumer's next micro-batch, `{ kind: 'end' }` at the end, `{ kind: 'timeout' }` after
   * `timeoutMs`. Pulling again acknowledges what the consumer was given before.
   */
  pull(consumerId: string, options: { timeoutMs?: number } = {}): Promise<PullResult> {
    checkTimeout(options.timeoutMs, 'options.timeoutMs'); // thrown here, not as a rejection
    return this.#actor
      .ask({ type: 'pull', consumerId, timeoutMs: options.timeoutMs })
      .then(async (result): Promise<PullResult> => (result.kind === 'batch' ? { kind: 'batch', batch: await materialize(result.batch, this.streamId) } : result));
  }

  /**
   * Up to `maxBatches` micro-batches at once, and past the first no more than `maxBytes`
   * nor a sixteenth of `maxBufferedBytes`; at least one, or the end, or a timeout. They
   * stay counted against the buffer's limits until this consumer pulls again.
   */
  pullMany(consumerId: string, options: { maxBatches: number; maxBytes?: number; timeoutMs?: number }): Promise<PullManyResult> {
    return pullManyMessage(this.#actor, consumerId, options, true).then(
      async (result): Promise<PullManyResult> =>
        result.kind === 'batches' ? { kind: 'batches', batches: await Promise.all(result.batches.map((b) => materialize(b, this.streamId))) } : result,
    );
  }

  /** No more batches will be published; consumers end once they have the rest. */
  complete(): Promise<void> {
    return this.#actor.ask({ type: 'complete' });
  }

  /** Mark the stream failed: every waiting producer and consumer gets the error at once. */
  fail(reason: unknown): Promise<void> {
    // A stream failure wrapped again keeps its own reason, so messages say each thing once.
    const text = reason instanceof StreamFailedError ? reason.reason : errorMessage(reason);
    return this.#actor.ask({ type: 'fail', reason: text, cause: reason });
  }

  /** Resolves once consumers have taken everything (and nothing waits to be published). */
  waitForDrain(options: { timeoutMs?: number } = {}): Promise<void> {
    checkTimeout(options.timeoutMs, 'options.timeoutMs');
    return this.#actor.ask({ type: 'waitForDrain', timeoutMs: options.timeoutMs });
  }

  /** The id of the newest published batch, -1 before the first. */
  latestBatchId(): Promise<number> {
    return this.#actor.ask({ type: 'latestBatchId' });
  }

  /** Batches still held, by id (the reverse path's reader). */
  fetchBatches(batchIds: readonly number[]): Promise<MicroBatch[]> {
    batchIds.forEach((id, i) => checkNonNegativeInteger(id, `batchIds[${i}]`));
    return this.#actor.ask({ type: 'fetch', batchIds }).then((batches) => Promise.all(batches.map((b) => materialize(b, this.streamId))));
  }

  /**
   * A consumer has processed everything up to `batchId`; those batches may be collected. With a
   * stream log, resolves once the log has it written down (see README, "Durable streams").
   */
  acknowledge(consumerId: string, batchId: number): Promise<void> {
    checkNonNegativeInteger(batchId, 'batchId');
    return this.#actor.ask({ type: 'acknowledge', consumerId, batchId });
  }

  async latestWatermark(): Promise<number | null> {
    return (await this.getStats()).latestWatermark;
  }

  getStats(): Promise<CoordinatorStats> {
    return this.#actor.ask({ type: 'stats' });
  }

  /** A new consumer of this stream, registered at once (see StreamingIterator). */
  iterator(options: StreamingIteratorOptions = {}): StreamingIterator {
    return new StreamingIterator(this, options);
  }

  /** Stop the coordinator actor and free its buffer; waiting callers get ActorStoppedError. */
  stop(): void {
    if (this.#actor.alive) this.#runtime.stop(this.#actor.name);
  }
}

function actorName(streamId: string): string {
  return `${ACTOR_PREFIX}${streamId}`;
}

function checkOptions(options: StreamCoordinatorOptions): { streamId: string; limits: StreamLimits; rt: ActorRuntime } {
  checkObject(options, 'options');
  const streamId = options.streamId ?? randomUUID();
  checkNonEmptyString(streamId, 'options.streamId');
  const maxBufferedBatches = options.maxBufferedBatches ?? DEFAULT_MAX_BUFFERED_BATCHES;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  checkPositive(maxBufferedBatches, 'options.maxBufferedBatches', { integer: true });
  checkPositive(maxBufferedBytes, 'options.maxBufferedBytes');
  const rt = options.runtime ?? defaultRuntime();
  return { streamId, limits: { maxBufferedBatches, maxBufferedBytes }, rt };
}

interface CoordinatorState {
  readonly buffer: StreamBuffer;
  readonly untrack: () => void;
}

function coordinatorBehavior(streamId: string, limits: StreamLimits, rt: ActorRuntime, internal: CoordinatorInternals): Behavior<CoordinatorMessage, CoordinatorState> {
  return {
    init() {
      const tracked = trackStream(rt.name, streamId, () => buffer);
      const buffer = new StreamBuffer(streamId, limits, { observer: tracked.observer, clock: rt.clock, firstBatchId: internal.firstBatchId, onAcknowledged: internal.onAcknowledged });
      return { buffer, untrack: tracked.untrack };
    },
    receive(state, msg) {
      const { buffer } = state;
      // Bad requests are answered with their error; they never crash the coordinator.
      try {
        switch (msg.type) {
          case 'publish':
            buffer.publish(msg.request, msg.reply);
            break;
          case 'register':
            buffer.register(msg.consumerId, msg.partitions, msg.startBatchId, msg.reply, msg.registration);
            break;
          case 'unregister':
            buffer.unregister(msg.consumerId, msg.registration);
            msg.reply.resolve();
            break;
          case 'pull':
            buffer.pull(msg.consumerId, msg.timeoutMs, msg.reply);
            break;
          case 'pullMany':
            buffer.pullMany(msg.consumerId, { maxBatches: msg.maxBatches, maxBytes: msg.maxBytes }, msg.timeoutMs, msg.reply, msg.acknowledges);
            break;
          case 'reserve':
            buffer.reserve(msg.bytes, msg.spillable, msg.reply);
            break;
          case 'release':
            buffer.release(msg.bytes);
            msg.reply.resolve();
            break;
          case 'complete':
            buffer.complete();
            msg.reply.resolve();
            break;
          case 'fail':
            buffer.fail(msg.reason, msg.cause);
            msg.reply.resolve();
            break;
          case 'waitForDrain':
            buffer.waitForDrain(msg.timeoutMs, msg.reply);
            break;
          case 'latestBatchId':
            msg.reply.resolve(buffer.latestBatchId);
            break;
          case 'fetch':
            msg.reply.resolve(buffer.fetch(msg.batchIds));
            break;
          case 'acknowledge': {
            // Answered once a stream log has the acknowledgement written down, if it moved one.
            const written = buffer.acknowledge(msg.consumerId, msg.batchId);
            if (written) written.then(() => msg.reply.resolve(), (err: unknown) => msg.reply.reject(err));
            else msg.reply.resolve();
            break;
          }
          case 'stats':
            msg.reply.resolve(buffer.stats());
            break;
        }
      } catch (err) {
        msg.reply.reject(err);
      }
      return state;
    },
    stopped(state, ctx) {
      state.untrack();
      state.buffer.close(new ActorStoppedError(ctx.name, 'the stream coordinator was stopped'));
      internal.onStopped?.();
    },
  };
}

/** Checks `publish`'s arguments and normalises them to the actor's request. */
function publishRequest(
  data: BatchInput | { partitions: readonly BatchInput[] },
  options: PublishOptions,
  extra: Pick<PublishRequest, 'reservedBytes' | 'epoch' | 'batchId'>,
): PublishRequest {
  const partitions =
    data && typeof data === 'object' && 'partitions' in data && Array.isArray((data as { partitions: unknown }).partitions)
      ? (data as { partitions: readonly BatchInput[] }).partitions.map((p, i) => toRecordBatches(p, `partitions[${i}]`))
      : [toRecordBatches(data, 'data')];
  checkObject(options, 'options');
  const watermark = options.watermark ?? null;
  if (watermark !== null && !Number.isFinite(watermark)) {
    throw new InvalidArgumentError(`options.watermark must be a finite number, got ${String(watermark)}`);
  }
  return { entries: partitions.map((batches, partition) => ({ partition, batches })), watermark, ...extra };
}

function pullManyMessage(
  actor: ActorHandle<CoordinatorMessage>,
  consumerId: string,
  options: { maxBatches: number; maxBytes?: number | undefined; timeoutMs?: number | undefined },
  acknowledges: boolean,
): Promise<PullManyResult> {
  const { maxBatches, maxBytes, timeoutMs } = options;
  checkPositive(maxBatches, 'options.maxBatches', { integer: true });
  if (maxBytes !== undefined) checkPositive(maxBytes, 'options.maxBytes');
  checkTimeout(timeoutMs, 'options.timeoutMs');
  return actor.ask({ type: 'pullMany', consumerId, maxBatches, maxBytes: maxBytes ?? Infinity, timeoutMs, acknowledges });
}

/** Decodes one stored payload; a payload that is not Arrow means the log was damaged. */
function decodePayload(payload: Uint8Array, streamId: string): RecordBatch[] {
  try {
    return tableFromIPC(payload).batches;
  } catch (err) {
    throw new StreamFailedError(streamId, `a stored payload of ${payload.byteLength} bytes is not a readable Arrow IPC stream: ${errorMessage(err)}`, err);
  }
}

/** @internal The record batches of an entry, stored ones read from disk one payload at a time. */
export async function* entryBatches(entry: PartitionEntry, streamId: string): AsyncGenerator<RecordBatch, void, undefined> {
  const stored = storedOf(entry);
  if (!stored) {
    yield* entry.batches;
    return;
  }
  for await (const payload of stored.payloads()) yield* decodePayload(payload, streamId);
}

/** @internal A micro-batch with every stored entry read into memory (what the public pulls hand out). */
export async function materialize(micro: MicroBatch, streamId: string): Promise<MicroBatch> {
  if (!micro.partitions.some((e) => storedOf(e))) return micro;
  const partitions: PartitionEntry[] = [];
  let numBytes = 0;
  for (const entry of micro.partitions) {
    const batches: RecordBatch[] = [];
    for await (const b of entryBatches(entry, streamId)) {
      batches.push(b);
      numBytes += batchByteLength(b);
    }
    partitions.push({ partition: entry.partition, batches });
  }
  return { ...micro, partitions, numBytes };
}

/** Checks a consumer's options; the selector is copied, as the actor reads it later and the caller may reuse it. */
function registerMessage(options: ConsumerOptions, registration: string | undefined): Outgoing<Extract<CoordinatorMessage, { type: 'register' }>> {
  checkObject(options, 'options');
  const { consumerId, partitions, startBatchId } = options;
  checkOptionalString(consumerId, 'options.consumerId');
  if (partitions !== undefined) checkPartitionSelector(partitions);
  const selector: PartitionSelector | undefined =
    partitions === undefined ? undefined : 'modulo' in partitions ? { modulo: partitions.modulo, remainder: partitions.remainder } : [...partitions];
  if (startBatchId !== undefined) checkNonNegativeInteger(startBatchId, 'options.startBatchId');
  return { type: 'register', consumerId, partitions: selector, startBatchId, registration };
}

function checkPartitionSelector(partitions: unknown): void {
  if (Array.isArray(partitions)) {
    partitions.forEach((p, i) => checkNonNegativeInteger(p, `options.partitions[${i}]`));
    return;
  }
  const o = partitions as { modulo?: unknown; remainder?: unknown } | null;
  if (!o || typeof o !== 'object' || !('modulo' in o)) {
    throw new InvalidArgumentError('options.partitions must be an array of partition indexes or { modulo, remainder }');
  }
  checkPositive(o.modulo, 'options.partitions.modulo', { integer: true });
  checkNonNegativeInteger(o.remainder, 'options.partitions.remainder');
  if (o.remainder >= o.modulo) {
    throw new InvalidArgumentError(`options.partitions.remainder must be less than modulo (${o.modulo}), got ${o.remainder}`);
  }
}

// ---- for drls's own modules; not exported from any entry point ----------------------------

/**
 * @internal Reserve room for `bytes` of data still arriving (a Spark epoch being staged):
 * pending while the buffer is full, granted at once while no published batch is buffered,
 * since data being staged must be able to outgrow the limit or it could never be published.
 * Publish it with `publishReserved`, or `releaseReserved` it.
 */
export async function reserve(coordinator: StreamCoordinator, bytes: number): Promise<void> {
  await actorOf(coordinator).ask({ type: 'reserve', bytes, spillable: false });
}

/**
 * @internal Like `reserve`, for data that can go to disk instead: pending while the buffer is
 * full, but answered 'spill' (nothing reserved) when it does not fit and nothing published is
 * buffered, where `reserve` would let it overshoot the limit.
 */
export function reserveOrSpill(coordinator: StreamCoordinator, bytes: number): Promise<Reservation> {
  return actorOf(coordinator).ask({ type: 'reserve', bytes, spillable: true });
}

/** @internal Create a coordinator with settings only the library's own modules give. */
export function createCoordinator(options: StreamCoordinatorOptions, internal: CoordinatorInternals): StreamCoordinator {
  return createWith(options, internal);
}

/**
 * @internal Publish one micro-batch of entries, stored ones among them: what staging reserved
 * (`reservedBytes`), the Spark epoch it came from, and the batch id it must get (a log position).
 */
export function publishEntries(
  coordinator: StreamCoordinator,
  entries: readonly PartitionEntry[],
  extra: Pick<PublishRequest, 'reservedBytes' | 'epoch' | 'batchId'>,
): Promise<number> {
  return actorOf(coordinator).ask({ type: 'publish', request: { entries, watermark: null, ...extra } });
}

/**
 * @internal pullMany for iterators: stored entries are not read (the iterator reads them a
 * payload at a time), and asking acknowledges nothing (iterators acknowledge each micro-batch).
 */
export function pullStored(coordinator: StreamCoordinator, consumerId: string, options: { maxBatches: number; maxBytes?: number | undefined; timeoutMs?: number | undefined }): Promise<PullManyResult> {
  return pullManyMessage(actorOf(coordinator), consumerId, options, false);
}

/** @internal fetchBatches without reading stored entries (the reverse path sends their payloads as they are). */
export function fetchStored(coordinator: StreamCoordinator, batchIds: readonly number[]): Promise<MicroBatch[]> {
  return actorOf(coordinator).ask({ type: 'fetch', batchIds });
}

/** @internal Give back room reserved for data that will not be published. */
export function releaseReserved(coordinator: StreamCoordinator, bytes: number): Promise<void> {
  return actorOf(coordinator).ask({ type: 'release', bytes });
}

/** @internal Publish data that had reserved `reservedBytes` while it was staged. */
export function publishReserved(coordinator: StreamCoordinator, data: { partitions: readonly BatchInput[] }, reservedBytes: number): Promise<number> {
  return actorOf(coordinator).ask({ type: 'publish', request: publishRequest(data, {}, { reservedBytes }) });
}

/**
 * @internal Register a consumer under a registration id of the caller's own, so that
 * `unregisterOwn` removes this registration only: never another consumer holding the same
 * consumerId because this one was refused as a duplicate.
 */
export function registerOwn(coordinator: StreamCoordinator, options: ConsumerOptions, registration: string): Promise<RegisterResult> {
  return actorOf(coordinator).ask(registerMessage(options, registration));
}

/** @internal */
export function unregisterOwn(coordinator: StreamCoordinator, consumerId: string, registration: string): Promise<void> {
  return actorOf(coordinator).ask({ type: 'unregister', consumerId, registration });
}

/** @internal The runtime a coordinator lives in. */
export function coordinatorRuntime(coordinator: StreamCoordinator): ActorRuntime {
  return runtimeOf(coordinator);
}
