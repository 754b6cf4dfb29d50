import type { RecordBatch, Table } from 'apache-arrow';
import { ActorStoppedError, InvalidArgumentError, errorMessage } from '../runtime/base/index.js';
import { type ActorHandle, type ActorRuntime, type Reply } from '../runtime/index.js';
import { coordinatorRuntime, type StreamCoordinator } from './stream-coordinator.js';

export type ArrowChunk = Table | RecordBatch;

/**
 * Where a producer takes its data from: an async iterable or iterable of Arrow tables or
 * record batches, or a function returning one chunk per call (null or undefined ends it).
 */
export type ArrowSource =
  | AsyncIterable<ArrowChunk>
  | Iterable<ArrowChunk>
  | (() => ArrowChunk | null | undefined | Promise<ArrowChunk | null | undefined>);

export interface ProducerStatus {
  readonly running: boolean;
  readonly published: number;
  readonly rows: number;
  readonly error: Error | null;
}

type ProducerMessage =
  | { type: 'status'; reply: Reply<ProducerStatus> }
  | { type: 'stop'; reply: Reply<void> };

export interface ProducerOptions {
  /** Actor name; default `stream_producer_<streamId>`. */
  name?: string;
  /** Default: the coordinator's runtime. */
  runtime?: ActorRuntime;
  /** Complete the stream when the source ends (default true). */
  completeOnEnd?: boolean;
}

/**
 * @internal How a producer publishes a chunk when not straight into the coordinator (a stream
 * log appends it first); resolves with the batch id, like `publish`.
 */
export type ChunkPublisher = (chunk: ArrowChunk) => Promise<number>;

let startWith: (source: ArrowSource, coordinator: StreamCoordinator, options: ProducerOptions, publish: ChunkPublisher | undefined) => Producer;

/**
 * The producer actor: drains a source into a coordinator, one publish at a time, so the
 * coordinator's backpressure paces the source. Completes the stream at the source's end;
 * fails it with the source's error when the source throws.
 */
export class Producer {
  readonly name: string;
  /** Resolves when the source is drained (or the producer stopped); rejects with the source's error. */
  readonly done: Promise<void>;
  readonly #actor: ActorHandle<ProducerMessage>;

  private constructor(name: string, actor: ActorHandle<ProducerMessage>, done: Promise<void>) {
    this.name = name;
    this.#actor = actor;
    this.done = done;
  }

  static start(source: ArrowSource, coordinator: StreamCoordinator, options: ProducerOptions = {}): Producer {
    return startWith(source, coordinator, options, undefined);
  }

  static {
    startWith = (source, coordinator, options, publish) => Producer.#start(source, coordinator, options, publish);
  }

  static #start(source: ArrowSource, coordinator: StreamCoordinator, options: ProducerOptions, publish: ChunkPublisher | undefined): Producer {
    const next = chunkReader(source);
    const name = options.name ?? `stream_producer_${coordinator.streamId}`;
    const rt = options.runtime ?? coordinatorRuntime(coordinator);
    const state = { running: true, published: 0, rows: 0, error: null as Error | null };
    let finish!: () => void;
    const stopSignal = new Promise<void>((resolve) => (finish = resolve));

    const actor = rt.spawn<ProducerMessage, typeof state>(
      name,
      {
        init: () => state,
        receive(s, msg) {
          if (msg.type === 'status') {
            msg.reply.resolve({ running: s.running, published: s.published, rows: s.rows, error: s.error });
          } else {
            finish();
            msg.reply.resolve(); // stop() then awaits `done`: the loop kills this actor on its way out
          }
          return s;
        },
      },
      { supervision: 'resume' },
    );

    const loop = async (): Promise<void> => {
      try {
        for (;;) {
          const chunk = await Promise.race([next.read(), stopSignal.then((): typeof STOP => STOP)]);
          if (chunk === STOP || chunk === END) break;
          // A publish waiting for room is already in the coordinator's queue: stop() need
          // not wait for consumers to make room, and the chunk is still delivered.
          const published = publish ? publish(chunk) : coordinator.publish(chunk);
          const outcome = await Promise.race([published, stopSignal.then((): typeof STOP => STOP)]);
          if (outcome === STOP) {
            published.catch(() => undefined);
            break;
          }
          state.published++;
          state.rows += chunk.numRows;
        }
        await next.close();
        if (options.completeOnEnd !== false && coordinator.alive) await coordinator.complete();
      } catch (err) {
        const error = err instanceof Error ? err : new Error(errorMessage(err));
        state.error = error;
        await next.close().catch(() => undefined);
        if (coordinator.alive) await coordinator.fail(error).catch(() => undefined);
        throw error;
      } finally {
        state.running = false;
        rt.stop(name);
      }
    };
    const done = loop();
    done.catch(() => undefined); // the error is kept in `done` and in status()
    const producer = new Producer(name, actor, done);
    return producer;
  }

  status(): Promise<ProducerStatus> {
    return this.#actor.alive ? this.#actor.ask({ type: 'status' }) : this.done.then(() => finalStatus(null), (e: Error) => finalStatus(e));
  }

  /**
   * Stop reading the source; what was already taken from it is still published. A read still
   * waiting on an async source is not awaited: what it yields after this is not published.
   */
  async stop(): Promise<void> {
    if (this.#actor.alive) {
      // The loop may end by itself (and kill the actor) while this asks: then it has stopped.
      await this.#actor.ask({ type: 'stop' }).catch((err: unknown) => {
        if (!(err instanceof ActorStoppedError)) throw err;
      });
    }
    await this.done.catch(() => undefined);
  }
}

function finalStatus(error: Error | null): ProducerStatus {
  return { running: false, published: -1, rows: -1, error };
}

const END = Symbol('end');
const STOP = Symbol('stop');

interface ChunkReader {
  read(): Promise<ArrowChunk | typeof END>;
  close(): Promise<void>;
}

function chunkReader(source: ArrowSource): ChunkReader {
  if (typeof source === 'function') {
    return {
      async read() {
        const chunk = await source();
        return chunk === null || chunk === undefined ? END : checkChunk(chunk);
      },
      async close() {},
    };
  }
  if (source && typeof source === 'object' && Symbol.asyncIterator in source) {
    const it = (source as AsyncIterable<ArrowChunk>)[Symbol.asyncIterator]();
    let reading = false;
    return {
      async read() {
        reading = true;
        try {
          const r = await it.next();
          return r.done ? END : checkChunk(r.value);
        } finally {
          reading = false;
        }
      },
      async close() {
        const closed = Promise.resolve(it.return?.());
        // An async generator answers return() only after its pending next(): a source idle
        // on its own input would hold stop() until it yields again. Let it finish on its own.
        if (reading) closed.catch(() => undefined);
        else await closed;
      },
    };
  }
  if (source && typeof source === 'object' && Symbol.iterator in source && !('schema' in source)) {
    const it = (source as Iterable<ArrowChunk>)[Symbol.iterator]();
    return {
      async read() {
        const r = it.next();
        return r.done ? END : checkChunk(r.value);
      },
      async close() {
        it.return?.();
      },
    };
  }
  throw new InvalidArgumentError(
    'source must be an async iterable or iterable of Arrow Tables/RecordBatches, or a function returning one (null ends it)',
  );
}

function checkChunk(chunk: unknown): ArrowChunk {
  const o = chunk as { schema?: unknown; numRows?: unknown } | null;
  if (!o || typeof o !== 'object' || !o.schema || typeof o.numRows !== 'number') {
    throw new InvalidArgumentError(`the source produced ${o === null ? 'null' : typeof o === 'object' ? (o.constructor?.name ?? 'an object') : typeof o}, not an Arrow Table or RecordBatch`);
  }
  return chunk as ArrowChunk;
}

/** @internal Start a producer that publishes through `publish` (see ChunkPublisher). */
export function startProducer(source: ArrowSource, coordinator: StreamCoordinator, options: ProducerOptions, publish: ChunkPublisher): Producer {
  return startWith(source, coordinator, options, publish);
}
