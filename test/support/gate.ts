// Deterministic gates for tests whose outcome would otherwise depend on timing: instead of
// sleeping and hoping, a test waits for a condition it can observe, in a bounded poll that
// fails with a message saying what never happened and what was seen last.
import { setTimeout as delay } from 'node:timers/promises';
import type { CoordinatorStats, StreamCoordinator } from '../../streaming.js';

export interface UntilOptions {
  /** Give up after this long (default 60 s): the condition is then reported as never met. */
  timeoutMs?: number;
  /** Pause between probes (default 10 ms). Only the poll's pace: nothing relies on its length. */
  intervalMs?: number;
}

/**
 * Probes until `accept` holds for what `probe` returns, and returns that value. Throws after
 * `timeoutMs` with `what` and the last value seen.
 */
export async function until<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, options: UntilOptions = {}): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 10 } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (performance.now() >= deadline) {
      throw new Error(`gave up after ${timeoutMs} ms waiting until ${what}; last seen: ${JSON.stringify(value)}`);
    }
    await delay(intervalMs);
  }
}

/** The coordinator's stats once `accept` holds for them (see `until`). */
export function statsUntil(coordinator: StreamCoordinator, what: string, accept: (stats: CoordinatorStats) => boolean, options: UntilOptions = {}): Promise<CoordinatorStats> {
  return until(`stream "${coordinator.streamId}" ${what}`, () => coordinator.getStats(), accept, options);
}

/**
 * Resolves once a producer (on the forward path: Spark's next epoch, staging or publishing) is
 * held by the coordinator's backpressure with no consumer registered to make room: from then on
 * nothing more enters the buffer until a consumer makes room, or the stream is stopped. The
 * caller makes that so (a full buffer, every consumer closed); this only waits to see it.
 */
export function producerHeldBack(coordinator: StreamCoordinator, options: UntilOptions = {}): Promise<CoordinatorStats> {
  return statsUntil(coordinator, 'has a producer held back with no consumer (waitingForConsumers)', (s) => s.waitingForConsumers, options);
}

/** Resolves once the stream is complete: nothing more will be published into it. */
export function streamComplete(coordinator: StreamCoordinator, options: UntilOptions = {}): Promise<CoordinatorStats> {
  return statsUntil(coordinator, 'is complete', (s) => s.complete, options);
}
