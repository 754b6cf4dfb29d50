import { randomUUID } from 'node:crypto';
import {
  ActorNotFoundError,
  ActorStoppedError,
  InvalidArgumentError,
  StreamFailedError,
  UnknownStreamError,
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
import { StreamBuffer, type StreamLimits } from './stream-buffer.js';
import type {
  CoordinatorMessage,
  CoordinatorStats,
  MicroBatch,
  PullManyResult,
  PartitionSelector,
  PublishRequest,
  PullResult,
  RegisterResult,
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
  }

  /** Create a coordinator; a taken stream id is a ActorExistsError. */
  static create(options: StreamCoordinatorOptions = {}): StreamCoordinator {
    const { streamId, limits, rt } = checkOptions(options);
    const actor = rt.spawn(actorName(streamId), coordinatorBehavior(streamId, limits, rt), { supervision: 'resume' });
    return new StreamCoordinator(streamId, actor, rt);
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
    const actor = rt.getOrCreate(actorName(streamId), () => coordinatorBehavior(streamId, limits, rt), { supervision: 'resume' });
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
    return this.#actor.ask({ type: 'publish', request: publishRequest(data, options, 0) });
  }

  /** Register a consumer; resolves once the stream has its first batch (or ended). */
  register(options: ConsumerOptions = {}): Promise<RegisterResult> {
    return this.#actor.ask(registerMessage(options, undefined));
  }

  /** Remove a consumer; what it held may then be collected. */
  unregister(consumerId: string): Promise<void> {
    return this.#actor.ask({ type: 'unregister', consumerId, registration: undefined });
  }

  /** The consumer's next micro-batch, `{ kind: 'end' }` at the end, `{ kind: 'timeout' }` after `timeoutMs`. */
  pull(consumerId: string, options: { timeoutMs?: number } = {}): Promise<PullResult> {
    checkTimeout(options.timeoutMs, 'options.timeoutMs');
    return this.#actor.ask({ type: 'pull', consumerId, timeoutMs: options.timeoutMs });
  }

  /**
   * Up to `maxBatches` micro-batches at once, and past the first no more than `maxBytes`
   * nor a sixteenth of `maxBufferedBytes`; at least one, or the end, or a timeout. They
   * stay counted against the buffer's limits until this consumer pulls again.
   */
  pullMany(consumerId: string, options: { maxBatches: number; maxBytes?: number; timeoutMs?: number }): Promise<PullManyResult> {
    const { maxBatches, maxBytes, timeoutMs } = options;
    checkPositive(maxBatches, 'options.maxBatches', { integer: true });
    if (maxBytes !== undefined) checkPositive(maxBytes, 'options.maxBytes');
    checkTimeout(timeoutMs, 'options.timeoutMs');
    return this.#actor.ask({ type: 'pullMany', consumerId, maxBatches, maxBytes: maxBytes ?? Infinity, timeoutMs });
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
    return this.#actor.ask({ type: 'fetch', batchIds });
  }

  /** A consumer has committed everything up to `batchId`; those batches may be collected. */
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

function coordinatorBehavior(streamId: string, limits: StreamLimits, rt: ActorRuntime): Behavior<CoordinatorMessage, CoordinatorState> {
  return {
    init() {
      const tracked = trackStream(rt.name, streamId, () => buffer);
      const buffer = new StreamBuffer(streamId, limits, tracked.observer, rt.clock);
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
            buffer.pullMany(msg.consumerId, { maxBatches: msg.maxBatches, maxBytes: msg.maxBytes }, msg.timeoutMs, msg.reply);
            break;
          case 'reserve':
            buffer.reserve(msg.bytes, msg.reply);
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
          case 'acknowledge':
            buffer.acknowledge(msg.consumerId, msg.batchId);
            msg.reply.resolve();
            break;
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
    },
  };
}

/** Checks `publish`'s arguments and normalises them to the actor's request. */
function publishRequest(data: BatchInput | { partitions: readonly BatchInput[] }, options: PublishOptions, reservedBytes: number): PublishRequest {
  const entries =
    data && typeof data === 'object' && 'partitions' in data && Array.isArray((data as { partitions: unknown }).partitions)
      ? (data as { partitions: readonly BatchInput[] }).partitions.map((p, i) => toRecordBatches(p, `partitions[${i}]`))
      : [toRecordBatches(data, 'data')];
  checkObject(options, 'options');
  const watermark = options.watermark ?? null;
  if (watermark !== null && !Number.isFinite(watermark)) {
    throw new InvalidArgumentError(`options.watermark must be a finite number, got ${String(watermark)}`);
  }
  return { partitions: entries, watermark, reservedBytes };
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
export function reserve(coordinator: StreamCoordinator, bytes: number): Promise<void> {
  return actorOf(coordinator).ask({ type: 'reserve', bytes });
}

/** @internal Give back room reserved for data that will not be published. */
export function releaseReserved(coordinator: StreamCoordinator, bytes: number): Promise<void> {
  return actorOf(coordinator).ask({ type: 'release', bytes });
}

/** @internal Publish data that had reserved `reservedBytes` while it was staged. */
export function publishReserved(coordinator: StreamCoordinator, data: { partitions: readonly BatchInput[] }, reservedBytes: number): Promise<number> {
  return actorOf(coordinator).ask({ type: 'publish', request: publishRequest(data, {}, reservedBytes) });
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
