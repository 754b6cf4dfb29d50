/**
 * Durable streams: throughput with a stream log on Node's disk against without one, in the same
 * run, both directions, and what each fsync policy costs.
 * - forward: a parquet file stream (long, double, string) through fromSparkStreaming into a
 *   Node consumer that counts rows (useJvmSink: true), availableNow;
 * - reverse: Node-made batches through toSparkStreaming into Spark's `noop` sink.
 * Each log run starts from an empty log directory, removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { initSpark, stopSpark } from '../bridge/spark/index.js';
import type { SparkSession } from '../bridge/connect/index.js';
import { fromSparkStreaming, toSparkStreaming } from '../bridge/streaming/index.js';
import type { FsyncPolicy } from '../bridge/streaming/stream-log/log-options.js';
import { shutdown } from '../runtime/index.js';
import { FORWARD_SCHEMA } from './bridge-runs.js';
import { percentile, printTable, reportTarget } from './support.js';

const FORWARD_ROWS = 4_000_000;
const REVERSE_ROWS = 2_000_000;
const ROUNDS = 5;
/** Throughput with the default log ('epoch') against none must be at least this. */
const GOAL = 0.8;

type Setup = 'none' | FsyncPolicy;
const SETUPS: readonly Setup[] = ['none', 'never', 'epoch', 'always'];

function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

async function withLogDir<T>(scratch: string, setup: Setup, run: (log: { dir: string; fsync: FsyncPolicy } | undefined) => Promise<T>): Promise<T> {
  if (setup === 'none') return run(undefined);
  const dir = await mkdtemp(join(scratch, `log-${setup}-`));
  try {
    return await run({ dir, fsync: setup });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function forward(spark: SparkSession, input: string, scratch: string, setup: Setup): Promise<number> {
  return withLogDir(scratch, setup, async (log) => {
    const checkpointLocation = await mkdtemp(join(scratch, 'ckpt-'));
    const start = performance.now();
    const df = spark.readStream.schema(FORWARD_SCHEMA).option('maxFilesPerTrigger', 2).parquet(input);
    const { iterator, handle } = await fromSparkStreaming(df, { useJvmSink: true, trigger: { availableNow: true }, checkpointLocation, ...(log ? { log } : {}) });
    let rows = 0;
    for await (const batch of iterator) rows += batch.numRows;
    const seconds = (performance.now() - start) / 1000;
    await handle.stop();
    await rm(checkpointLocation, { recursive: true, force: true });
    if (rows !== FORWARD_ROWS) throw new Error(`forward run read ${rows} rows, not ${FORWARD_ROWS}`);
    return seconds;
  });
}

function reverseBatches(rows: number): Table[] {
  const out: Table[] = [];
  const per = 65_536;
  for (let at = 0; at < rows; at += per) {
    const n = Math.min(per, rows - at);
    out.push(
      new Table({
        l: makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(at + i))),
        d: makeVector(Float64Array.from({ length: n }, (_, i) => (at + i) * 0.5)),
        s: vectorFromArray(Array.from({ length: n }, (_, i) => `row-${at + i}`), new Utf8()),
      }),
    );
  }
  return out;
}

async function reverse(spark: SparkSession, batches: Table[], scratch: string, setup: Setup): Promise<number> {
  return withLogDir(scratch, setup, async (log) => {
    const start = performance.now();
    const { handle } = await toSparkStreaming(batches, spark, { format: 'noop', trigger: { processingTime: '0 seconds' }, ...(log ? { log } : {}) });
    await handle.stop({ timeoutMs: 600_000 });
    return (performance.now() - start) / 1000;
  });
}

export async function run(): Promise<void> {
  const spark = await initSpark({ appName: 'drls-durable-bench', driverMemory: '3g' });
  const scratch = await mkdtemp(join(tmpdir(), 'drls-durable-bench-'));
  try {
    const input = join(scratch, 'input');
    await (await spark.sql(`select id as l, cast(id as double) * 0.5 as d, concat('row-', id) as s from range(0, ${FORWARD_ROWS}, 1, 8)`)).write.mode('overwrite').parquet(input);
    const batches = reverseBatches(REVERSE_ROWS);

    // Warm-up: the JVM's JIT speeds up the first runs of each query.
    for (let i = 0; i < 2; i++) for (const setup of SETUPS) await forward(spark, input, scratch, setup);
    for (const setup of SETUPS) await reverse(spark, batches, scratch, setup);

    const fwd = new Map<Setup, number[]>(SETUPS.map((s) => [s, []]));
    const rev = new Map<Setup, number[]>(SETUPS.map((s) => [s, []]));
    // Round by round, every set-up in turn: drift in the machine hits them alike.
    for (let r = 0; r < ROUNDS; r++) for (const setup of SETUPS) fwd.get(setup)!.push(await forward(spark, input, scratch, setup));
    for (let r = 0; r < ROUNDS; r++) for (const setup of SETUPS) rev.get(setup)!.push(await reverse(spark, batches, scratch, setup));

    const rowsFor = (xs: Map<Setup, number[]>, rows: number, title: string): void => {
      const base = median(xs.get('none')!);
      printTable(title, ['stream log', 'seconds', 'rows/s', 'vs no log (median)', 'vs no log (each round)'], SETUPS.map((setup) => {
        const s = xs.get(setup)!;
        const ratios = s.map((x, i) => xs.get('none')![i]! / x);
        return [
          setup === 'none' ? 'none (in memory)' : `log, fsync '${setup}'`,
          median(s),
          rows / median(s),
          (base / median(s)).toFixed(2),
          setup === 'none' ? '-' : `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`,
        ];
      }));
    };
    rowsFor(fwd, FORWARD_ROWS, `Forward with a stream log: ${FORWARD_ROWS.toLocaleString('en-US')} rows of (long, double, string), parquet file stream, useJvmSink, availableNow; median of ${ROUNDS} rounds`);
    rowsFor(rev, REVERSE_ROWS, `Reverse with a stream log: ${REVERSE_ROWS.toLocaleString('en-US')} rows of (long, double, string) into noop; median of ${ROUNDS} rounds`);

    const ratio = (xs: Map<Setup, number[]>): number => median(xs.get('none')!) / median(xs.get('epoch')!);
    // Throughput with the default log ('epoch') as a share of the in-memory figure.
    reportTarget({ name: 'forward-log-throughput', measured: ratio(fwd), goal: GOAL, kind: 'min', unit: 'x' });
    reportTarget({ name: 'reverse-log-throughput', measured: ratio(rev), goal: GOAL, kind: 'min', unit: 'x' });
  } finally {
    await stopSpark();
    shutdown();
    await rm(scratch, { recursive: true, force: true });
  }
}
