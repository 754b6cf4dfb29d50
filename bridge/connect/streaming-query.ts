import { SparkError, StreamingQueryFailedError } from '../../runtime/base/index.js';
import { awaitInSlices } from './await-in-slices.js';
import type { SessionContext } from './context.js';
import type { StreamingQueryCommand, StreamingQueryCommandResult } from './messages.js';

export interface StreamingQueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
  readonly isActive: boolean;
}

/** One micro-batch's progress as Spark reports it (the JSON of StreamingQueryProgress). */
export interface StreamingQueryProgress {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
  readonly batchId: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond?: number;
  readonly processedRowsPerSecond?: number;
  readonly durationMs?: Record<string, number>;
  readonly sources?: readonly Record<string, unknown>[];
  readonly sink?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface StreamingQueryException {
  readonly message: string;
  readonly errorClass: string | undefined;
  readonly stackTrace: string | undefined;
}

/**
 * @internal Node's part of a query that runs through the drls bridge (foreachBatch): what it
 * holds (a registered stream, its sockets, a temporary checkpoint) is released when the query
 * ends, and stop() and awaitTermination() resolve only once it is.
 */
export interface QueryBridge {
  /**
   * Spark's stop was sent (`sparkStopped` settles once Spark answered): end Node's part and
   * resolve once it is released, a handler call in progress included.
   */
  stop(sparkStopped: Promise<unknown>): Promise<void>;
  /** Spark reported the query ended: resolves once Node's part is released. */
  ended(): Promise<void>;
}

/** A handle on a running (or finished) streaming query; every method asks the server. */
export class StreamingQuery {
  readonly #ctx: SessionContext;
  readonly #bridge: QueryBridge | undefined;
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;

  private constructor(ctx: SessionContext, id: string, runId: string, name: string | null, bridge: QueryBridge | undefined) {
    this.#ctx = ctx;
    this.#bridge = bridge;
    this.id = id;
    this.runId = runId;
    this.name = name;
  }

  /** @internal Made by the library only; `bridge` for a query whose sink is Node (foreachBatch). */
  static create(ctx: SessionContext, id: string, runId: string, name: string | null, bridge?: QueryBridge): StreamingQuery {
    return new StreamingQuery(ctx, id, runId, name, bridge);
  }

  async #send(cmd: Omit<StreamingQueryCommand, 'queryId'>): Promise<StreamingQueryCommandResult> {
    const responses = await this.#ctx.client.command({
      command: { streamingQueryCommand: { queryId: { id: this.id, runId: this.runId }, ...cmd } },
    });
    const result = responses.find((r) => r.streamingQueryCommandResult)?.streamingQueryCommandResult;
    if (!result) throw new SparkError(`Spark sent no result for a command on streaming query ${this.id}`);
    return result;
  }

  async status(): Promise<StreamingQueryStatus> {
    const s = (await this.#send({ status: true })).status;
    return {
      message: s?.statusMessage ?? '',
      isDataAvailable: s?.isDataAvailable ?? false,
      isTriggerActive: s?.isTriggerActive ?? false,
      isActive: s?.isActive ?? false,
    };
  }

  async isActive(): Promise<boolean> {
    return (await this.status()).isActive;
  }

  async recentProgress(): Promise<StreamingQueryProgress[]> {
    const r = (await this.#send({ recentProgress: true })).recentProgress;
    return (r?.recentProgressJson ?? []).map((j) => JSON.parse(j) as StreamingQueryProgress);
  }

  async lastProgress(): Promise<StreamingQueryProgress | null> {
    const r = (await this.#send({ lastProgress: true })).recentProgress;
    const last = r?.recentProgressJson.at(-1);
    return last ? (JSON.parse(last) as StreamingQueryProgress) : null;
  }

  /**
   * Wait for the query to end. Resolves true when it ended, false when `options.timeoutMs` passed first;
   * rejects with StreamingQueryFailedError when it ended with an error.
   */
  async awaitTermination(options: { timeoutMs?: number } = {}): Promise<boolean> {
    const ended = await awaitInSlices(options, async (slice) => {
      const r = await this.#send({ awaitTermination: { timeoutMs: slice } }).catch(async (err: unknown) => {
        const failure = asQueryFailure(this.id, err);
        // A failed query has ended: what Node holds for it goes before the caller hears of it.
        if (failure instanceof StreamingQueryFailedError) await this.#bridge?.ended();
        throw failure;
      });
      return r.awaitTermination?.terminated ?? false;
    });
    if (!ended) return false;
    await this.#bridge?.ended();
    const failure = await this.exception();
    if (failure) throw new StreamingQueryFailedError(this.id, failure.message, failure.errorClass);
    return true;
  }

  /** Block until every input available now has been processed (for tests and demos). */
  async processAllAvailable(): Promise<void> {
    await this.#send({ processAllAvailable: true }).catch((err: unknown) => {
      throw asQueryFailure(this.id, err);
    });
  }

  /** The error the query ended with, or null. */
  async exception(): Promise<StreamingQueryException | null> {
    const e = (await this.#send({ exception: true })).exception;
    if (!e?.exceptionMessage) return null;
    return { message: e.exceptionMessage, errorClass: e.errorClass || undefined, stackTrace: e.stackTrace || undefined };
  }

  /**
   * Stop the query. For a foreachBatch query it also releases what Node holds for it, after a
   * handler call in progress has settled: once this resolves, no handler call runs or will.
   */
  async stop(): Promise<void> {
    const sparkStopped = this.#send({ stop: true });
    if (this.#bridge) {
      sparkStopped.catch(() => undefined); // its failure is thrown below, once Node's part is released
      await this.#bridge.stop(sparkStopped);
    }
    await sparkStopped;
  }
}

/**
 * @internal The server reports a query that died while being waited on as a StreamingQueryException
 * (naming the query in its parameters, which awaitAnyTermination needs: it waits on any query).
 */
export function asQueryFailure(queryId: string | undefined, err: unknown): unknown {
  if (!(err instanceof SparkError) || !err.exceptionClass?.endsWith('StreamingQueryException')) return err;
  // The cause of a failed stage often follows on the next lines; only the driver's stack trace is cut.
  const message = err.messageParameters['message'] ?? err.message.split('\nDriver stacktrace:')[0]!.trim();
  return new StreamingQueryFailedError(queryId ?? err.messageParameters['id'] ?? 'unknown', message, err.errorClass, err);
}
