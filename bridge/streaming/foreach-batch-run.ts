import { setTimeout as delay } from 'node:timers/promises';
import type { StreamingQuery } from '../connect/index.js';
import type { QueryBridge } from '../connect/streaming-query.js';
import { SPARK_STOP_GRACE_MS } from './stream-options.js';

/** How often the watcher asks Spark whether the query ended (a long poll, not a busy loop). */
const WATCH_SLICE_MS = 1000;

/** What a foreachBatch query holds in Node, and how to let it go. */
export interface ForeachBatchResources {
  /** Closes the stream's connections (its registration on the endpoint). */
  disconnect(): Promise<void>;
  /** Releases everything: waits for a handler call in progress, disconnects, removes a temporary checkpoint. */
  release(): Promise<void>;
  /** Whether the code running now is a handler call of this query's. */
  calledFromHandler(): boolean;
}

/**
 * Node's part of one foreachBatch query: released once, when the query ends, whoever ends it.
 * `stop()` (the query's own) lets Spark stop first; a watcher catches the query ending any
 * other way (it failed, an `availableNow` run finished, it was stopped through another handle
 * or its session), so nothing is left registered behind a query that is gone.
 */
export class ForeachBatchRun implements QueryBridge {
  readonly #resources: ForeachBatchResources;
  #released: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #watcher: Promise<void> = Promise.resolve();
  #watching = true;

  constructor(resources: ForeachBatchResources) {
    this.#resources = resources;
  }

  /** Watches the started query until it ends, or stop() is called. */
  watch(query: StreamingQuery): void {
    this.#watcher = (async () => {
      while (this.#watching) {
        let ended: boolean;
        try {
          // On its end (a failure included), the query's awaitTermination calls ended() itself.
          ended = await query.awaitTermination({ timeoutMs: WATCH_SLICE_MS });
        } catch {
          ended = true; // failed, or Spark can no longer be asked (its session is gone)
        }
        if (ended && this.#watching) await this.release();
        if (ended) return;
      }
    })();
  }

  ended(): Promise<void> {
    return this.release();
  }

  stop(sparkStopped: Promise<unknown>): Promise<void> {
    // A handler stopping its own query: Node's release waits for that very call, so this stop
    // ends once Spark has stopped, and the release follows when the handler returns.
    const fromHandler = this.#resources.calledFromHandler();
    return (this.#stopping ??= (async () => {
      this.#watching = false;
      const stopped = sparkStopped.then(
        () => true,
        () => true,
      );
      // A driver's commit waiting on a handler may not notice Spark's stop (a socket read over
      // TLS is not interruptible): after a grace period its connection is closed under it.
      const grace = new AbortController();
      const inTime = await Promise.race([stopped, delay(SPARK_STOP_GRACE_MS, false, { ref: false, signal: grace.signal }).catch(() => true)]);
      grace.abort();
      if (!inTime) await this.#resources.disconnect().catch(() => undefined);
      await stopped;
      if (fromHandler) {
        void this.release();
        return;
      }
      await this.#watcher;
      await this.release();
    })());
  }

  /** Once, whoever asks first; later callers wait for the same release. */
  release(): Promise<void> {
    return (this.#released ??= this.#resources.release());
  }
}
