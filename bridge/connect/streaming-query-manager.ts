import type { SessionContext } from './context.js';
import { StreamingQuery } from './streaming-query.js';

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
}
