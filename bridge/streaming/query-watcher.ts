import { errorMessage } from '../../runtime/base/index.js';
import type { StreamCoordinator } from '../../actors/stream-coordinator.js';
import type { StreamingQuery } from '../connect/index.js';

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
        const ended = await query.awaitTermination({ timeoutMs: WATCH_SLICE_MS });
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
