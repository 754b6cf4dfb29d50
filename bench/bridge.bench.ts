/**
 * Bridge benchmarks (issue 4), each against a baseline measured in the same run:
 * - forward: the same file-stream query into Spark's `noop` sink, and through the drls sink
 *   into a Node consumer (both sink modes; and once more in a child Node started with the
 *   README's heap flag, on the same Spark);
 * - reverse: Node-made rows through toSparkStreaming into `noop`, against Spark's own
 *   `rate-micro-batch` source into `noop`, same row count and columns;
 * - wire: Arrow bytes per second the connector delivers with ~16 MiB batches, against Node's
 *   own loopback TCP throughput (and into the child Node with the heap flag).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initSpark, localServer, stopSpark } from '../bridge/spark/index.js';
import type { SparkSession, StreamingQuery } from '../bridge/connect/index.js';
import { toSparkStreaming } from '../bridge/streaming/index.js';
import { drlsForward, FORWARD_SCHEMA, wire, type ForwardRun } from './bridge-runs.js';
import type { ChildReply, ChildRequest } from './tuned-node-child.js';
import { shutdown } from '../runtime/index.js';
import { MiB, percentile, printTable } from './support.js';

const FORWARD_ROWS = 4_000_000;
const REVERSE_ROWS = 2_000_000;
/** The README's setting for busy forward streams (see "Performance notes"). */
const TUNED_NODE = ['--initial-old-space-size=256'];

/** Parquet input for the forward runs, in `parent`/input. */
async function writeInput(spark: SparkSession, parent: string, rows: number, files: number): Promise<string> {
  const dir = join(parent, 'input');
  await (await spark.sql(`select id as l, cast(id as double) * 0.5 as d, concat('row-', id) as s from range(0, ${rows}, 1, ${files})`)).write
    .mode('overwrite')
    .parquet(dir);
  return dir;
}

async function noopForward(spark: SparkSession, dir: string): Promise<number> {
  const start = performance.now();
  const q = await spark.readStream.schema(FORWARD_SCHEMA).option('maxFilesPerTrigger', 2).parquet(dir).writeStream.format('noop').trigger({ availableNow: true }).start();
  await q.awaitTermination();
  return (performance.now() - start) / 1000;
}

interface TunedNode {
  run(useJvmSink: boolean): Promise<ForwardRun>;
  wire(totalMiB: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A child Node started with `flags`, on the parent's Spark (through Spark Connect), for the
 * forward and wire runs: the tables compare Node's default heap set-up with the README's.
 */
async function tunedNode(remote: string, dir: string, flags: string[]): Promise<TunedNode> {
  const child = fork(fileURLToPath(new URL('./tuned-node-child.ts', import.meta.url)), [], {
    execArgv: [...flags, '--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (req: ChildRequest): Promise<ChildReply> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`tuned child exited (${code}) during ${req.type}`));
      child.once('exit', onExit);
      child.once('message', (r: ChildReply) => {
        child.off('exit', onExit);
        if (r.type === 'failed') reject(new Error(`tuned child: ${r.message}`));
        else resolve(r);
      });
      child.send(req);
    });
  await ask({ type: 'init', remote, dir });
  return {
    run: async (useJvmSink) => {
      const r = await ask({ type: 'run', useJvmSink });
      if (r.type !== 'done') throw new Error(`tuned child answered ${r.type}`);
      return r;
    },
    wire: async (totalMiB) => {
      const r = await ask({ type: 'wire', totalMiB });
      if (r.type !== 'wired') throw new Error(`tuned child answered ${r.type}`);
      return r.bytesPerSec;
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'exit' } satisfies ChildRequest);
      await exited;
    },
  };
}

/** Micro-batches a query has finished, from its last progress report. */
async function finishedBatches(q: StreamingQuery): Promise<number> {
  const p = await q.lastProgress();
  return p ? Number(p.batchId) + 1 : 0;
}

async function rateIntoNoop(spark: SparkSession, rows: number): Promise<number> {
  const perBatch = rows / 8;
  const start = performance.now();
  const q = await spark.readStream
    .format('rate-micro-batch')
    .option('rowsPerBatch', perBatch)
    .option('numPartitions', 2)
    .load()
    .selectExpr('value as l', 'cast(value as double) * 0.5 as d', "concat('row-', value) as s")
    .writeStream.format('noop')
    .trigger({ processingTime: '0 seconds' })
    .start();
  while ((await finishedBatches(q)) < 8) await delay(50);
  const seconds = (performance.now() - start) / 1000;
  await q.stop();
  return seconds;
}

function* reverseSource(rows: number): Generator<Table> {
  const per = 65_536;
  for (let at = 0; at < rows; at += per) {
    const n = Math.min(per, rows - at);
    const l = BigInt64Array.from({ length: n }, (_, i) => BigInt(at + i));
    const d = Float64Array.from({ length: n }, (_, i) => (at + i) * 0.5);
    const s = vectorFromArray(Array.from({ length: n }, (_, i) => `row-${at + i}`), new Utf8());
    yield new Table({ l: makeVector(l), d: makeVector(d), s });
  }
}

async function drlsReverse(spark: SparkSession, rows: number): Promise<number> {
  const batches = [...reverseSource(rows)]; // built before timing: we time the bridge, not the generator
  const start = performance.now();
  const { handle } = await toSparkStreaming(batches, spark, { format: 'noop', trigger: { processingTime: '0 seconds' } });
  await handle.stop({ timeoutMs: 600_000 });
  return (performance.now() - start) / 1000;
}

/** Node-to-Node loopback TCP: bytes/s for `total` bytes written in 16 MiB chunks. */
async function loopback(total: number): Promise<number> {
  const chunk = Buffer.alloc(16 * MiB, 7);
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const server = createServer((socket) => {
    socket.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= total) done();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  const start = performance.now();
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!client.write(chunk)) await new Promise<void>((r) => client.once('drain', r));
  }
  await finished;
  const secs = (performance.now() - start) / 1000;
  client.destroy();
  server.close();
  return total / secs;
}

/** Rounds of each measurement after the warm-up; tables show medians (the machines are noisy). */
const ROUNDS = 3;
/** The forward comparison swings most from round to round, so it gets more of them. */
const FORWARD_ROUNDS = 7;

function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

/** Round by round, `num[i] / den[i]`, shown as "min-max". */
function ratioRange(num: number[], den: number[]): string {
  const ratios = num.map((n, i) => n / den[i]!);
  return `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
}

/** A table row of timed runs against timed baseline runs (round i against round i). */
function timedRow(label: string, seconds: number[], baseline: number[], rows: number): (string | number)[] {
  return [label, median(seconds), rows / median(seconds), (median(baseline) / median(seconds)).toFixed(2), ratioRange(baseline, seconds)];
}

export async function run(): Promise<void> {
  const spark = await initSpark({ appName: 'drls-bridge-bench', driverMemory: '3g' });
  const scratch = await mkdtemp(join(tmpdir(), 'drls-bench-'));
  try {
    const dir = await writeInput(spark, scratch, FORWARD_ROWS, 8);
    // The local server takes only clients with its token; the child is one.
    const server = localServer()!;
    const tuned = await tunedNode(`${server.address}/;token=${server.token}`, dir, TUNED_NODE);
    // Warm-up: the JVM's JIT keeps speeding up the first few runs of each query; in a run of
    // 12 rounds the noop query took 2.6, 1.9, 1.5 s... and settled near 1.5 s from the 4th.
    for (let i = 0; i < 4; i++) {
      await noopForward(spark, dir);
      await drlsForward(spark, dir, true);
      await tuned.run(true);
    }
    await drlsForward(spark, dir, false);
    const noop: number[] = [];
    const direct: number[] = [];
    const driver: number[] = [];
    const tunedDirect: number[] = [];
    const directCpu: number[] = [];
    const tunedCpu: number[] = [];
    for (let r = 0; r < FORWARD_ROUNDS; r++) {
      noop.push(await noopForward(spark, dir));
      const d = await drlsForward(spark, dir, true);
      direct.push(d.seconds);
      directCpu.push(d.cpu);
      const t = await tuned.run(true);
      tunedDirect.push(t.seconds);
      tunedCpu.push(t.cpu);
      driver.push((await drlsForward(spark, dir, false)).seconds);
    }
    printTable(`Forward: ${FORWARD_ROWS.toLocaleString('en-US')} rows of (long, double, string), file stream, availableNow; median of ${FORWARD_ROUNDS} rounds`, ['sink', 'seconds', 'rows/s', 'vs noop (median)', 'vs noop (each round)'], [
      ['noop (Spark)', median(noop), FORWARD_ROWS / median(noop), '1.00', '-'],
      timedRow('drls, useJvmSink=true', direct, noop, FORWARD_ROWS),
      timedRow(`drls, useJvmSink=true, node ${TUNED_NODE.join(' ')}`, tunedDirect, noop, FORWARD_ROWS),
      timedRow('drls, useJvmSink=false', driver, noop, FORWARD_ROWS),
    ]);
    console.log(
      `Node CPU per forward run (useJvmSink=true), median: ${median(directCpu).toFixed(2)} s with Node's defaults, ` +
        `${median(tunedCpu).toFixed(2)} s with ${TUNED_NODE.join(' ')}, for ${FORWARD_ROWS.toLocaleString('en-US')} rows`,
    );

    await rateIntoNoop(spark, REVERSE_ROWS / 4); // warm-up
    await drlsReverse(spark, REVERSE_ROWS / 4);
    const rate: number[] = [];
    const reverse: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      rate.push(await rateIntoNoop(spark, REVERSE_ROWS));
      reverse.push(await drlsReverse(spark, REVERSE_ROWS));
    }
    printTable(`Reverse: ${REVERSE_ROWS.toLocaleString('en-US')} rows of (long, double, string) into noop; median of ${ROUNDS} rounds`, ['source', 'seconds', 'rows/s', 'vs rate (median)', 'vs rate (each round)'], [
      ['rate-micro-batch (Spark)', median(rate), REVERSE_ROWS / median(rate), '1.00', '-'],
      timedRow('drls toSparkStreaming', reverse, rate, REVERSE_ROWS),
    ]);

    await wire(512); // warm-up
    await tuned.wire(512);
    const lo: number[] = [];
    const w: number[] = [];
    const wTuned: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      lo.push(await loopback(2048 * MiB));
      w.push(await wire(2048));
      wTuned.push(await tuned.wire(2048));
    }
    await tuned.close();
    printTable(`Wire: 2 GiB in 16 MiB Arrow frames into a Node endpoint; median of ${ROUNDS} rounds`, ['sender', 'MB/s', 'vs loopback (median)', 'vs loopback (each round)'], [
      ['Node loopback TCP (net.Socket)', median(lo) / 1e6, '1.00', '-'],
      ['drls connector (JVM WireConnection)', median(w) / 1e6, (median(w) / median(lo)).toFixed(2), ratioRange(w, lo)],
      [`drls connector, node ${TUNED_NODE.join(' ')}`, median(wTuned) / 1e6, (median(wTuned) / median(lo)).toFixed(2), ratioRange(wTuned, lo)],
    ]);
  } finally {
    await stopSpark();
    shutdown();
    await rm(scratch, { recursive: true, force: true });
  }
}
