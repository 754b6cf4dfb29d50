import { setTimeout as delay } from 'node:timers/promises';
import { StreamFailedError, TimeoutError } from '../../runtime/base/index.js';
import type { StreamCoordinator } from '../../actors/stream-coordinator.js';
import type { SparkSession, StreamingQuery } from '../connect/index.js';
import { offsetBatchId, sourceDescription } from './source-offsets.js';

const POLL_MS = 250;

/** The batch id a query's progress says it has read of stream `streamId` through, -1 if none. */
async function readThrough(query: StreamingQuery, streamId: string): Promise<number> {
  const progress = await query.lastProgress().catch(() => null);
  let through = -1;
  for (const source of progress?.sources ?? []) {
    if (source['description'] !== sourceDescription(streamId)) continue;
    const batchId = offsetBatchId(source['endOffset']);
    if (batchId !== undefined) through = Math.max(through, batchId);
  }
  return through;
}

/**
 * Wait until Spark has processed every batch of a completed reverse stream. Spark tells a
 * source that a batch is committed only when it starts the next one, so the last batch is
 * never acknowledged while no new data comes; a finished micro-batch in the query's
 * progress says the same thing, and is asked for a few times a second.
 */
export async function waitForSparkRead(
  spark: SparkSession,
  coordinator: StreamCoordinator,
  ownQuery: StreamingQuery | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const latest = await coordinator.latestBatchId();
  for (;;) {
    const stats = await coordinator.getStats();
    if (stats.error) throw new StreamFailedError(coordinator.streamId, stats.error);
    if (stats.bufferSize === 0 || latest < 0) return;
    const queries = ownQuery ? [ownQuery] : await spark.streams.active();
    for (const q of queries) if ((await readThrough(q, coordinator.streamId)) >= latest) return;
    if (Date.now() >= deadline) throw new TimeoutError(`Spark reading stream "${coordinator.streamId}"`, timeoutMs);
    // A referenced timer: the caller awaits this stop. Unreferenced, with nothing else pending,
    // Node would exit in the middle of it (seen when Spark never read the stream).
    await delay(POLL_MS);
  }
}
