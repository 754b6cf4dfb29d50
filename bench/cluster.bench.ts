/**
 * The forward path with executors in JVMs of their own (issue "Cluster-ready"), on Spark's
 * local-cluster, each figure against a baseline measured in the same run:
 * - throughput: a parquet file stream on two executor JVMs (1 core, 1 GiB each) into Spark's
 *   `noop` sink, and through the drls sink into a Node consumer that counts rows (executor
 *   sink, and the driver path), same query, same cluster; median of several rounds;
 * - Node's CPU per GB ingested as the sending executors grow: on four executor JVMs, each
 *   epoch reads n files (one partition, so one task on one executor, so one connection to
 *   Node, each) for n = 1, 2, 4, the same rows in the same number of epochs; beside it, the
 *   CPU Node spends reading the same bytes off n sockets of a bare TCP sink.
 * Targets: executor sink >= 0.85x noop; Node CPU <= 1.0 s/GB at each n.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSpark } from '../bridge/spark/init.js';
import type { SparkSession } from '../bridge/connect/index.js';
import { shutdown } from '../runtime/index.js';
import { bareTcpSink, drlsForward, noopForward, ONE_FILE_PER_PARTITION, writeInput, type IngestRun, type ReadOnlyRun, type SparkTimes } from './bridge-runs.js';
import { median, printTable, ratioRange, reportTarget } from './support.js';

const FORWARD_ROWS = 4_000_000;
const WARM_UPS = 3;
const ROUNDS = 5;
const COST_ROWS = 4_000_000;
const COST_EPOCHS = 4;
const EXECUTORS = [1, 2, 4] as const;
const COST_ROUNDS = 3;
const GOAL_S_PER_GB = 1.0;

const perGb = (seconds: number, bytes: number): number => seconds / (bytes / 1e9);

/** A Spark of its own (startSpark: whatever initSpark holds is left alone) for `body`, stopped after. */
async function withSpark(options: Parameters<typeof startSpark>[0], body: (spark: SparkSession) => Promise<void>): Promise<void> {
  const { session } = await startSpark(options);
  try {
    await body(session);
  } finally {
    await session.stop();
    shutdown(); // the default runtime's endpoint and coordinators go too
  }
}

async function throughput(spark: SparkSession, scratch: string): Promise<void> {
  const dir = await writeInput(spark, scratch, FORWARD_ROWS, 8);
  // Warm-up: the JVMs' JIT (driver's and executors') speeds the first runs of each query up.
  for (let i = 0; i < WARM_UPS; i++) {
    await noopForward(spark, dir);
    await drlsForward(spark, dir, true);
  }
  await drlsForward(spark, dir, false);
  const noop: number[] = [];
  const noopSpark: SparkTimes[] = [];
  const direct: IngestRun[] = [];
  const driver: IngestRun[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const n = await noopForward(spark, dir);
    noop.push(n.seconds);
    noopSpark.push(n.spark);
    direct.push(await drlsForward(spark, dir, true));
    driver.push(await drlsForward(spark, dir, false));
  }
  const row = (label: string, runs: IngestRun[]): (string | number)[] => {
    const secs = runs.map((x) => x.seconds);
    return [
      label,
      median(secs),
      FORWARD_ROWS / median(secs),
      (median(noop) / median(secs)).toFixed(2),
      ratioRange(noop, secs),
      String(Math.max(...runs.map((x) => x.maxPartitions))),
      median(runs.map((x) => x.spark.addBatch)),
      median(runs.map((x) => x.spark.trigger - x.spark.addBatch)),
      median(runs.map((x) => x.cpu)),
      median(runs.map((x) => perGb(x.cpu, x.bytes))),
    ];
  };
  printTable(
    `Cluster forward: ${FORWARD_ROWS.toLocaleString('en-US')} rows of (long, double, string), file stream (2 files a trigger), availableNow, 2 executor JVMs x 1 core; median of ${ROUNDS} rounds (Spark's addBatch: the sink writing every partition, and its commit, summed over the run's epochs)`,
    ['sink', 'seconds', 'rows/s', 'vs noop (median)', 'vs noop (each round)', 'partitions/epoch', 'Spark addBatch s', 'rest of the triggers s', 'Node CPU s/run', 'Node CPU s/GB'],
    [['noop (Spark)', median(noop), FORWARD_ROWS / median(noop), '1.00', '-', '-', median(noopSpark.map((x) => x.addBatch)), median(noopSpark.map((x) => x.trigger - x.addBatch)), '-', '-'], row('drls, useJvmSink=true', direct), row('drls, useJvmSink=false', driver)],
  );
  reportTarget({ name: 'cluster-forward-vs-noop', measured: median(noop) / median(direct.map((x) => x.seconds)), goal: 0.85, kind: 'min', unit: 'x' });
}

async function cpuByExecutors(spark: SparkSession, scratch: string): Promise<void> {
  const inputs = new Map<number, string>();
  for (const n of EXECUTORS) inputs.set(n, await writeInput(spark, scratch, COST_ROWS, COST_EPOCHS * n, `cost-${n}`));
  for (const n of EXECUTORS) await drlsForward(spark, inputs.get(n)!, true, n); // warm-up
  await bareTcpSink(1, 128e6, 2 << 20);
  const forward = new Map<number, IngestRun[]>(EXECUTORS.map((n) => [n, []]));
  const bare = new Map<number, ReadOnlyRun[]>(EXECUTORS.map((n) => [n, []]));
  for (let r = 0; r < COST_ROUNDS; r++) {
    for (const n of EXECUTORS) {
      const f = await drlsForward(spark, inputs.get(n)!, true, n);
      if (f.rows !== COST_ROWS) throw new Error(`forward run with ${n} executors delivered ${f.rows} rows of ${COST_ROWS}`);
      forward.get(n)!.push(f);
      bare.get(n)!.push(await bareTcpSink(n, f.bytes, Math.round(f.bytes / f.batches)));
    }
  }
  const rows: (string | number)[][] = [];
  for (const n of EXECUTORS) {
    const f = forward.get(n)!;
    const b = bare.get(n)!;
    const fwd = median(f.map((x) => perGb(x.cpu, x.bytes)));
    const tcp = median(b.map((x) => perGb(x.sample.cpu, x.bytes)));
    rows.push([
      String(n),
      String(Math.max(...f.map((x) => x.maxPartitions))),
      median(f.map((x) => x.seconds)),
      median(f.map((x) => x.bytes / x.seconds / 1e6)),
      fwd,
      median(f.map((x) => perGb(x.sample.main, x.bytes))),
      median(f.map((x) => x.sample.gc.major)),
      tcp,
      (fwd / tcp).toFixed(1),
    ]);
    reportTarget({ name: `cluster-node-cpu-per-gb-${n}exec`, measured: fwd, goal: GOAL_S_PER_GB, kind: 'max', unit: ' s/GB' });
  }
  printTable(
    `Cluster: Node CPU per GB ingested as the sending executors grow (4 executor JVMs x 1 core; ${COST_ROWS.toLocaleString('en-US')} rows, ${COST_EPOCHS} epochs of n files); median of ${COST_ROUNDS} rounds`,
    ['executors sending', 'partitions/epoch', 'forward s', 'forward MB/s', 'forward CPU s/GB', 'main thread s/GB', 'major GCs/run', 'bare TCP sink s/GB', 'forward / bare'],
    rows,
  );
}

export async function run(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'drls-bench-cluster-'));
  try {
    await withSpark({ appName: 'drls-cluster-bench', numExecutors: 2, executorCores: 1, executorMemory: '1g', driverMemory: '2g' }, (spark) => throughput(spark, scratch));
    await withSpark(
      { appName: 'drls-cluster-cost-bench', numExecutors: Math.max(...EXECUTORS), executorCores: 1, executorMemory: '1g', driverMemory: '2g', configs: ONE_FILE_PER_PARTITION },
      (spark) => cpuByExecutors(spark, scratch),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
