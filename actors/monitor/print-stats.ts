import { checkPositive } from '../../runtime/base/index.js';
import type { StreamCoordinator } from '../stream-coordinator.js';
import type { CoordinatorStats } from '../stream-coordinator-protocol.js';

export interface PrintStatsOptions {
  /** Milliseconds between lines; default 2000. */
  interval?: number;
  /** Where lines go; default stdout. */
  write?: (line: string) => void;
}

export interface StatsPrinter {
  /** Resolves after the last line: when the stream completes, fails, is removed, or stop() is called. */
  readonly done: Promise<void>;
  stop(): void;
}

const MB = 1024 * 1024;

/** The original's line, plus MB and rows/s. */
export function formatStatsLine(stats: CoordinatorStats, previous: CoordinatorStats | undefined, seconds: number): string {
  const dt = seconds > 0 ? seconds : 1;
  const batchesPerSec = previous ? (stats.batchesPublished - previous.batchesPublished) / dt : 0;
  const rowsPerSec = previous ? (stats.rowsPublished - previous.rowsPublished) / dt : 0;
  return (
    `[${stats.streamId}] published=${stats.batchesPublished} gc=${stats.batchesGc} ` +
    `buffer=${stats.bufferSize}/${stats.maxBuffered} consumers=${stats.numConsumers} ` +
    `throughput=${batchesPerSec.toFixed(1)} batches/s watermark=${stats.latestWatermark ?? 'none'} ` +
    `complete=${stats.complete} mb=${(stats.bufferedBytes / MB).toFixed(1)}/${(stats.maxBufferedBytes / MB).toFixed(0)} ` +
    `rows/s=${rowsPerSec.toFixed(0)}` +
    (stats.waitingForConsumers ? ' waiting-for-consumers' : '') +
    (stats.error ? ` error=${JSON.stringify(stats.error)}` : '')
  );
}

/** Print one stats line every `interval` ms until the stream ends. */
export function printStats(coordinator: StreamCoordinator, options: PrintStatsOptions = {}): StatsPrinter {
  const interval = options.interval ?? 2000;
  checkPositive(interval, 'options.interval');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let previous: CoordinatorStats | undefined;
  let last = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    finish();
  };
  const tick = async (): Promise<void> => {
    if (stopped) return;
    let stats: CoordinatorStats;
    try {
      stats = await coordinator.getStats();
    } catch {
      return stop(); // the coordinator is gone
    }
    const now = performance.now();
    write(formatStatsLine(stats, previous, (now - last) / 1000));
    previous = stats;
    last = now;
    if (stats.complete) return stop();
    timer = setTimeout(() => void tick(), interval);
  };
  void tick();
  return { done, stop };
}
