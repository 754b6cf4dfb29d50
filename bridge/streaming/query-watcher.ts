import { errorMessage } from '../../runtime/base/index.js';
import type { StreamCoordinator } from '../../actors/stream-coordinator.js';
import type { StreamingQuery, StreamingQueryException, StreamingQueryProgress, StreamingQueryStatus } from '../connect/index.js';

/** How often the watcher asks Spark whether the query ended (a long poll, not a busy loop). */
const WATCH_SLICE_MS = 1000;

/**
 * Keeps a Spark query and its coordinator together: a query that fails fails the stream
 * (so the iterator throws within about a second, where the original waited forever); a
 * query stopped from elsewhere completes it. `onEnded` runs once the query has ended by
 * itself (not through the watcher's own stop()), before the stream learns of it.
 */
export function watchQuery(query: StreamingQuery, coordinator: StreamCoordinator, onEnded?: () => Promise<void>): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const ended = await query.awaitTermination(WATCH_SLICE_MS);
        if (ended && !stopped) {
          await onEnded?.().catch(() => undefined);
          await coordinator.complete().catch(() => undefined);
          return;
        }
      } catch (err) {
        if (stopped) return;
        await onEnded?.().catch(() => undefined);
        await coordinator.fail(new Error(`Spark query ${query.id} failed: ${errorMessage(err)}`, { cause: err })).catch(() => undefined);
        return;
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** A Spark StreamingQuery whose `stop()` also ends, drains and removes the drls stream. */
export class BridgedStreamingQuery {
  readonly #query: StreamingQuery;
  readonly #stop: (drainTimeoutMs: number) => Promise<void>;

  constructor(query: StreamingQuery, stop: (drainTimeoutMs: number) => Promise<void>) {
    this.#query = query;
    this.#stop = stop;
  }

  /** The underlying Spark query. */
  get spark(): StreamingQuery {
    return this.#query;
  }

  get id(): string {
    return this.#query.id;
  }

  get runId(): string {
    return this.#query.runId;
  }

  get name(): string | null {
    return this.#query.name;
  }

  isActive(): Promise<boolean> {
    return this.#query.isActive();
  }

  status(): Promise<StreamingQueryStatus> {
    return this.#query.status();
  }

  lastProgress(): Promise<StreamingQueryProgress | null> {
    return this.#query.lastProgress();
  }

  recentProgress(): Promise<StreamingQueryProgress[]> {
    return this.#query.recentProgress();
  }

  awaitTermination(timeoutMs?: number): Promise<boolean> {
    return this.#query.awaitTermination(timeoutMs);
  }

  processAllAvailable(): Promise<void> {
    return this.#query.processAllAvailable();
  }

  exception(): Promise<StreamingQueryException | null> {
    return this.#query.exception();
  }

  /**
   * Stop Spark's query, complete the stream, wait up to `drainTimeoutMs` (default 30 s) for
   * consumers to take what is buffered, then remove the coordinator.
   */
  stop(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    return this.#stop(options.drainTimeoutMs ?? 30_000);
  }
}
