import { SparkError } from '../../runtime/base/index.js';
import { awaitInSlices } from './await-in-slices.js';
import type { SessionContext } from './context.js';
import type { Command, ExecutePlanResponse } from './messages.js';
import { asQueryFailure, StreamingQuery } from './streaming-query.js';

type ManagerCommand = NonNullable<Command['streamingQueryManagerCommand']>;
type ManagerResult = NonNullable<ExecutePlanResponse['streamingQueryManagerCommandResult']>;


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
    return awaitInSlices(options, async (slice) => {
      const result = await this.#send({ awaitAnyTermination: { timeoutMs: slice } }).catch((err: unknown) => {
        throw asQueryFailure(undefined, err);
      });
      return result.awaitAnyTermination?.terminated ?? false;
    });
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
