import { setTimeout as delay } from 'node:timers/promises';
import { StreamFailedError, StreamUnreadError, TimeoutError } from '../../runtime/base/index.js';
import type { StreamCoordinator } from '../../actors/stream-coordinator.js';
import type { SparkSession, StreamingQuery } from '../connect/index.js';
import { offsetBatchId, sourceDescription } from './source-offsets.js';

// Polls start quick (a stop usually waits on one last micro-batch) and slow down to 4 a second.
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 250;

/**
 * What a query's progress says of stream `streamId`: the batch id it has read through (-1 if
 * none yet), or null when its progress names other sources only (it does not read this stream).
 */
async function readThrough(query: StreamingQuery, streamId: string): Promise<number | null> {
  const progress = await query.lastProgress().catch(() => null);
  if (!progress) return -1; // no micro-batch yet: it may still be a reader
  let through: number | null = null;
  for (const source of progress.sources ?? []) {
    if (source['description'] !== sourceDescription(streamId)) continue;
    through = Math.max(through ?? -1, offsetBatchId(source['endOffset']) ?? -1);
  }
  return through;
}

/**
 * Wait until Spark has processed every batch of a completed reverse stream. Spark tells a
 * source that a batch is committed only when it starts the next one, so the last batch is
 * never acknowledged while no new data comes; a finished micro-batch in the query's
 * progress says the same thing, and is asked for every 50-250 ms. The readers are the
 * query started with the stream (if any) and the session's running queries that read it (a
 * query the user restarted on its checkpoint among them). Once none is running, nothing
 * more will be read: that is answered at once, done or StreamUnreadError. A query of the user's
 * that ended (AvailableNow) or was stopped needs no progress here: the connector acknowledged
 * the batches its checkpoint committed when Spark stopped the source.
 */
export async function waitForSparkRead(
  spark: SparkSession,
  coordinator: StreamCoordinator,
  ownQuery: StreamingQuery | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const latest = await coordinator.latestBatchId();
  const streamId = coordinator.streamId;
  let pollMs = FIRST_POLL_MS;
  for (;;) {
    const stats = await coordinator.getStats();
    if (stats.error) throw new StreamFailedError(streamId, stats.error);
    if (stats.bufferSize === 0 || latest < 0) return;
    const active = await spark.streams.active();
    const readers = ownQuery && !active.some((q) => q.id === ownQuery.id) ? [ownQuery, ...active] : active;
    let through = -1;
    let running = 0;
    for (const q of readers) {
      const t = await readThrough(q, streamId);
      if (t === null) continue; // reads other sources
      if (t >= latest) return;
      through = Math.max(through, t);
      if (active.includes(q)) running++;
    }
    if (running === 0) {
      // A query that ended acknowledged, as Spark stopped its source, what its checkpoint says it
      // read, and only then left the active list: the stats read before that list may predate it.
      const now = await coordinator.getStats();
      if (now.error) throw new StreamFailedError(streamId, now.error);
      if (now.bufferSize === 0) return;
      const failure = ownQuery ? await ownQuery.exception().catch(() => null) : null;
      const why = ownQuery ? `Spark query ${ownQuery.id} ${failure ? `failed: ${failure.message}` : 'was stopped'}` : 'no running Spark query of this session reads it';
      throw new StreamUnreadError(streamId, through >= 0 ? latest - through : now.bufferSize, why);
    }
    if (Date.now() >= deadline) throw new TimeoutError(`Spark reading stream "${streamId}"`, timeoutMs);
    // A referenced timer: the caller awaits this stop. Unreferenced, with nothing else pending,
    // Node would exit in the middle of it (seen when Spark never read the stream).
    await delay(pollMs);
    pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
  }
}
