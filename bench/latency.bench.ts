/**
 * Forward latency (issue "Ingest near wire speed"): Spark's `rate` source at 1,000 rows/s with
 * the default trigger, through fromSparkStreaming into a consumer, once per sink mode (the
 * default driver path, and useJvmSink: true), side by side:
 * - end to end: each row's Spark timestamp (the rate source's `timestamp` column) to the
 *   moment the consumer holds its micro-batch;
 * - Spark's own batch durations, from the query's progress (durationMs.triggerExecution, and
 *   addBatch: the sink's part, which includes sending to Node and the commit);
 * - drls's share: from Spark's commit of the epoch (the micro-batch's `timestamp`, when the
 *   coordinator accepted it, which on the forward path is at Spark's commit) to the consumer
 *   holding it.
 * All times are Date.now() on one machine (Spark's JVM and Node share the clock), so every
 * figure is in whole milliseconds. Target: drls's share p99 <= 5 ms.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { startSpark } from '../bridge/spark/init.js';
import type { SparkSession, StreamingQueryProgress } from '../bridge/connect/index.js';
import { fromSparkStreaming } from '../bridge/streaming/index.js';
import { shutdown } from '../runtime/index.js';
import { percentile, printTable, reportTarget } from './support.js';

const ROWS_PER_SECOND = 1000;
/** Left out of the figures: the query's start and the first batches' JIT. */
const WARM_UP_MS = 8_000;
/** About one epoch a second: the p99 of ~50 epochs is close to their maximum. */
const MEASURE_MS = 50_000;
const GOAL_MS = 5;

interface LatencyRun {
  /** Row timestamp to the consumer holding it, ms, one per row. */
  readonly endToEnd: number[];
  /** Row timestamp to the coordinator's acceptance of its epoch (Spark's commit), ms, one per row. */
  readonly toCommit: number[];
  /** Commit to the consumer holding the micro-batch, ms, one per epoch. */
  readonly share: number[];
  readonly rows: number;
  /** Spark's progress for the micro-batches within the measured window. */
  readonly progress: StreamingQueryProgress[];
  /** Node's event-loop delay over the window (ms): how late any callback ran, whatever the cause (GC, load). */
  readonly loopDelay: { p99: number; max: number };
}

async function latencyRun(spark: SparkSession, useJvmSink: boolean): Promise<LatencyRun> {
  const df = spark.readStream.format('rate').option('rowsPerSecond', ROWS_PER_SECOND).load();
  const { iterator, query, handle } = await fromSparkStreaming(df, { useJvmSink });
  const endToEnd: number[] = [];
  const toCommit: number[] = [];
  const share: number[] = [];
  let rows = 0;
  const start = Date.now();
  const epochs = new Set<number>();
  let loop: IntervalHistogram | undefined;
  for await (const micro of iterator.microBatches()) {
    const now = Date.now();
    if (now - start >= WARM_UP_MS) {
      if (!loop) {
        loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
      }
      if (micro.epoch !== null) epochs.add(micro.epoch);
      share.push(now - micro.timestamp);
      for (const entry of micro.partitions) {
        for (const batch of entry.batches) {
          const ts = batch.getChild('timestamp')!;
          for (let i = 0; i < batch.numRows; i++) {
            const at = ts.get(i) as number; // epoch ms (fractional: the column is in microseconds)
            endToEnd.push(now - at);
            toCommit.push(micro.timestamp - at);
          }
          rows += batch.numRows;
        }
      }
    }
    if (now - start >= WARM_UP_MS + MEASURE_MS) break;
  }
  loop?.disable();
  const loopDelay = { p99: (loop?.percentile(99) ?? NaN) / 1e6, max: (loop?.max ?? NaN) / 1e6 };
  // Before the stop: a stopped query's progress may no longer be kept by the server.
  const all = await query.recentProgress();
  await handle.stop();
  const progress = all.filter((p) => epochs.has(Number(p.batchId)));
  return { endToEnd, toCommit, share, rows, progress, loopDelay };
}

const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export async function run(): Promise<void> {
  const { session: spark } = await startSpark({
    appName: 'drls-latency-bench',
    configs: { 'spark.sql.streaming.numRecentProgressUpdates': 1000 },
  });
  try {
    const modes: [string, boolean][] = [
      ['driver path (default)', false],
      ['executor sink (useJvmSink)', true],
    ];
    const results: [string, LatencyRun][] = [];
    for (const [label, useJvmSink] of modes) results.push([label, await latencyRun(spark, useJvmSink)]);

    const rows: (string | number)[][] = [];
    const spark_: (string | number)[][] = [];
    for (const [label, r] of results) {
      const e2e = sorted(r.endToEnd);
      const commit = sorted(r.toCommit);
      const share = sorted(r.share);
      rows.push([label, r.rows, String(r.share.length), percentile(e2e, 50), percentile(e2e, 99), percentile(commit, 50), percentile(commit, 99), percentile(share, 50), percentile(share, 90), percentile(share, 99), share.at(-1) ?? NaN, String(share.filter((x) => x > 1).length), r.loopDelay.p99, r.loopDelay.max]);
      const dur = (key: string): number[] => sorted(r.progress.map((p) => p.durationMs?.[key]).filter((v): v is number => typeof v === 'number'));
      const trigger = dur('triggerExecution');
      const add = dur('addBatch');
      spark_.push([label, String(r.progress.length), percentile(trigger, 50), percentile(trigger, 99), percentile(add, 50), percentile(add, 99), percentile(dur('latestOffset'), 50), percentile(dur('walCommit'), 50) + percentile(dur('commitOffsets'), 50)]);
    }
    printTable(
      `Latency, rate source at ${ROWS_PER_SECOND.toLocaleString('en-US')} rows/s, default trigger, ${MEASURE_MS / 1000} s after ${WARM_UP_MS / 1000} s of warm-up (ms)`,
      ['sink', 'rows', 'epochs', 'row ts -> consumer p50', 'p99', 'row ts -> commit p50', 'p99', 'drls share (commit -> consumer) p50', 'p90', 'p99', 'max', 'epochs over 1 ms', "Node's event-loop delay p99", 'max'],
      rows,
    );
    printTable(
      "Spark's batch durations over the same epochs (StreamingQuery.recentProgress(), durationMs; ms)",
      ['sink', 'batches', 'triggerExecution p50', 'p99', 'addBatch p50', 'p99', 'latestOffset p50', 'walCommit + commitOffsets p50'],
      spark_,
    );
    console.log(
      "(the rate source offers each second's rows once that second has passed, so a row waits up to 1 s for its epoch before Spark starts it: the bulk of row ts -> commit)",
    );
    const [defaultRun, jvmRun] = results.map(([, r]) => percentile(sorted(r.share), 99));
    reportTarget({ name: 'latency-drls-share-p99', measured: defaultRun!, goal: GOAL_MS, kind: 'max', unit: ' ms' });
    reportTarget({ name: 'latency-drls-share-p99-jvm-sink', measured: jvmRun!, goal: GOAL_MS, kind: 'max', unit: ' ms' });
  } finally {
    await spark.stop();
    shutdown();
  }
}
