import { checkNonNegative, checkObject, SparkError } from '../../runtime/base/index.js';
import type { SessionContext } from './context.js';
import type { Command, ExecutePlanResponse } from './messages.js';
import { asQueryFailure, StreamingQuery } from './streaming-query.js';

type ManagerCommand = NonNullable<Command['streamingQueryManagerCommand']>;
type ManagerResult = NonNullable<ExecutePlanResponse['streamingQueryManagerCommandResult']>;

/** Longest single wait sent to the server, so a vanished server is noticed while waiting forever. */
const AWAIT_SLICE_MS = 30_000;

/** `session.streams`: the streaming queries of this session. */
export class StreamingQueryManager {
  readonly #ctx: SessionContext;

  private constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext): StreamingQueryManager {
    return new StreamingQueryManager(ctx);
  }

  /** The queries running now. */
  async active(): Promise<StreamingQuery[]> {
    const responses = await this.#ctx.client.command({ command: { streamingQueryManagerCommand: { active: true } } });
    const list = responses.find((r) => r.streamingQueryManagerCommandResult)?.streamingQueryManagerCommandResult?.active;
    return (list?.activeQueries ?? []).map((q) => StreamingQuery.create(this.#ctx, q.id.id, q.id.runId, q.name ?? null));
  }

  /** A query by id, or null when the session knows none. */
  async get(id: string): Promise<StreamingQuery | null> {
    const responses = await this.#ctx.client.command({ command: { streamingQueryManagerCommand: { getQuery: id } } });
    const q = responses.find((r) => r.streamingQueryManagerCommandResult)?.streamingQueryManagerCommandResult?.query;
    return q?.id?.id ? StreamingQuery.create(this.#ctx, q.id.id, q.id.runId, q.name ?? null) : null;
  }

  /**
   * Wait until any query of this session ends (or, after `resetTerminated()`, ends again).
   * Resolves true when one ended, false when `options.timeoutMs` passed first; rejects with
   * StreamingQueryFailedError when the query that ended had failed. Queries that ended before
   * the call count until `resetTerminated()`, as in Spark.
   */
  async awaitAnyTermination(options: { timeoutMs?: number } = {}): Promise<boolean> {
    checkObject(options, 'options');
    const { timeoutMs } = options;
    if (timeoutMs !== undefined) checkNonNegative(timeoutMs, 'options.timeoutMs');
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      const slice = Math.max(0, Math.min(AWAIT_SLICE_MS, deadline - Date.now()));
      const result = await this.#send({ awaitAnyTermination: { timeoutMs: Math.round(slice) } }).catch((err: unknown) => {
        throw asQueryFailure(undefined, err);
      });
      if (result.awaitAnyTermination?.terminated) return true;
      if (Date.now() >= deadline) return false;
    }
  }

  /** Forget the queries that ended, so awaitAnyTermination() waits for the next one. */
  async resetTerminated(): Promise<void> {
    await this.#send({ resetTerminated: true });
  }

  async #send(cmd: ManagerCommand): Promise<ManagerResult> {
    const responses = await this.#ctx.client.command({ command: { streamingQueryManagerCommand: cmd } });
    const result = responses.find((r) => r.streamingQueryManagerCommandResult)?.streamingQueryManagerCommandResult;
    if (!result) throw new SparkError('Spark sent no result for a streaming query manager command');
    return result;
  }
}
