/**
 * Node's CPU per GB ingested on the forward path (issue "Ingest near wire speed"), at 1, 2 and
 * 4 sending connections, against reading the same bytes off the same number of sockets and
 * nothing else. All in one run, on one Spark (local[4], so four tasks can send at once):
 * - forward: a parquet file stream through the executor sink (useJvmSink: true) into a Node
 *   consumer that counts rows: Node's real ingest path (frame reader, sink staging, the
 *   coordinator's publish, the iterator). Each epoch reads n files, one partition (one task,
 *   one connection) each; every n moves the same rows in the same number of epochs;
 * - forward with no data to speak of (1,000 rows a file): the run's fixed cost (query start,
 *   epochs, commits), to tell the per-GB cost from the per-run one;
 * - forward in a child Node started with the README's `--initial-old-space-size=256`;
 * - endpoint only: n WireBench JVMs sending the same bytes in 2 MiB frames to an endpoint
 *   whose sink discards them (frame reading and protocol; no decoding, staging or consumer);
 * - bare TCP sink: a plain net server reading and discarding the same bytes, sent by a child
 *   Node over n connections; and the floor of reading alone: client sockets reading into one
 *   reused buffer (net's `onread`), which allocates nothing per read.
 * Node's CPU is process.cpuUsage() around each run (all threads), split by thread from
 * /proc/self/task, with V8's collections from perf_hooks. Target: <= 1.0 s of CPU per GB at
 * each n.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSpark } from '../bridge/spark/init.js';
import { shutdown } from '../runtime/index.js';
import { bareTcpSink, drlsForward, endpointOnly, ONE_FILE_PER_PARTITION, tunedNode, writeInput, type IngestRun, type ReadOnlyRun } from './bridge-runs.js';
import { addSamples, median, printTable, reportTarget, threadSummary, type CpuSample } from './support.js';

// 0.37 GB a run: a run's fixed cost (query start, progress polls; ~0.025 s of Node CPU) was
// 0.2 s/GB of a 4M-row run, and is 0.07 s/GB here; the "less fixed cost" column removes the rest.
const TOTAL_ROWS = 12_000_000;
const EPOCHS = 4;
const CONNECTIONS = [1, 2, 4] as const;
const ROUNDS = 3;
const TUNED_NODE = ['--initial-old-space-size=256'];
const GOAL_S_PER_GB = 1.0;

const perGb = (seconds: number, bytes: number): number => seconds / (bytes / 1e9);

interface Rounds {
  forward: IngestRun[];
  tiny: IngestRun[];
  tuned: IngestRun[];
  endpoint: ReadOnlyRun[];
  bare: ReadOnlyRun[];
  reused: ReadOnlyRun[];
}

/** One GC/thread breakdown row: totals over the rounds, per GB. */
function breakdown(label: string, runs: readonly { bytes: number; sample: CpuSample }[]): (string | number)[] {
  const s = addSamples(runs.map((r) => r.sample));
  const gb = runs.reduce((n, r) => n + r.bytes, 0) / 1e9;
  return [
    label,
    s.cpu / gb,
    s.main / gb,
    s.others / gb,
    (s.gc.major / gb).toFixed(1),
    (s.gc.minor / gb).toFixed(1),
    ((s.gc.incremental + s.gc.weakcb) / gb).toFixed(1),
    s.gc.ms / 1000 / gb,
    threadSummary(s, 1 / gb, '') || '-',
  ];
}

export async function run(): Promise<void> {
  const { session: spark, server } = await startSpark({
    appName: 'drls-node-cost-bench',
    master: `local[${Math.max(...CONNECTIONS)}]`,
    driverMemory: '3g',
    configs: ONE_FILE_PER_PARTITION,
  });
  const scratch = await mkdtemp(join(tmpdir(), 'drls-bench-cost-'));
  try {
    const inputs = new Map<number, string>();
    const tinyInputs = new Map<number, string>();
    for (const n of CONNECTIONS) {
      inputs.set(n, await writeInput(spark, scratch, TOTAL_ROWS, EPOCHS * n, `input-${n}`));
      tinyInputs.set(n, await writeInput(spark, scratch, 1000 * EPOCHS * n, EPOCHS * n, `tiny-${n}`));
    }
    const tuned = await tunedNode(`${server!.address}/;token=${server!.token}`, inputs.get(1)!, TUNED_NODE);
    // Warm-up: Node's hot paths (and the JVM's) for each n, and the JVM's start for WireBench.
    for (const n of CONNECTIONS) {
      for (let i = 0; i < 2; i++) await drlsForward(spark, inputs.get(n)!, true, n);
      await tuned.run(true, { dir: inputs.get(n)!, filesPerTrigger: n });
      await drlsForward(spark, tinyInputs.get(n)!, true, n);
    }
    await endpointOnly(1, 128e6, 2);
    await bareTcpSink(1, 128e6, 2 << 20);
    await bareTcpSink(1, 128e6, 2 << 20, 'reused');

    const by = new Map<number, Rounds>(CONNECTIONS.map((n) => [n, { forward: [], tiny: [], tuned: [], endpoint: [], bare: [], reused: [] }]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const n of CONNECTIONS) {
        const m = by.get(n)!;
        const f = await drlsForward(spark, inputs.get(n)!, true, n);
        if (f.rows !== TOTAL_ROWS) throw new Error(`forward run with ${n} connections delivered ${f.rows} rows of ${TOTAL_ROWS}`);
        if (f.maxPartitions !== n) console.log(`note: forward run meant for ${n} connections had epochs of up to ${f.maxPartitions} partitions`);
        m.forward.push(f);
        m.tiny.push(await drlsForward(spark, tinyInputs.get(n)!, true, n));
        m.tuned.push(await tuned.run(true, { dir: inputs.get(n)!, filesPerTrigger: n }));
        m.bare.push(await bareTcpSink(n, f.bytes, Math.round(f.bytes / f.batches)));
        m.reused.push(await bareTcpSink(n, f.bytes, Math.round(f.bytes / f.batches), 'reused'));
        m.endpoint.push(await endpointOnly(n, f.bytes, 2));
      }
    }
    await tuned.close();

    const rows: (string | number)[][] = [];
    for (const n of CONNECTIONS) {
      const m = by.get(n)!;
      const fwd = median(m.forward.map((f) => perGb(f.cpu, f.bytes)));
      const bare = median(m.bare.map((b) => perGb(b.sample.cpu, b.bytes)));
      const fixed = median(m.tiny.map((t) => t.cpu));
      const bytes = median(m.forward.map((f) => f.bytes));
      rows.push([
        String(n),
        bytes / 1e9,
        median(m.forward.map((f) => f.seconds)),
        median(m.forward.map((f) => f.bytes / f.seconds / 1e6)),
        fwd,
        perGb(median(m.forward.map((f) => f.cpu)) - fixed, bytes),
        median(m.tuned.map((t) => perGb(t.cpu, t.bytes))),
        median(m.endpoint.map((e) => perGb(e.sample.cpu, e.bytes))),
        bare,
        median(m.reused.map((b) => perGb(b.sample.cpu, b.bytes))),
        (fwd / bare).toFixed(1),
      ]);
      reportTarget({ name: `node-cpu-per-gb-${n}conn`, measured: fwd, goal: GOAL_S_PER_GB, kind: 'max', unit: ' s/GB' });
    }
    printTable(
      `Node CPU per GB ingested: ${TOTAL_ROWS.toLocaleString('en-US')} rows of (long, double, string), ${EPOCHS} epochs, n connections (local[4]); median of ${ROUNDS} rounds`,
      ['conns', 'GB', 'forward s', 'forward MB/s', 'forward CPU s/GB', 'less fixed cost, s/GB', `forward, node ${TUNED_NODE.join(' ')}, s/GB`, 'endpoint only (WireBench), s/GB', 'bare TCP sink, s/GB', 'bare TCP, one reused buffer, s/GB', 'forward / bare'],
      rows,
    );
    console.log(
      `fixed cost of a forward run (${EPOCHS} epochs of n files of 1,000 rows), median Node CPU: ` +
        CONNECTIONS.map((n) => `${n} conn ${median(by.get(n)!.tiny.map((t) => t.cpu)).toFixed(3)} s`).join(', '),
    );

    const detail: (string | number)[][] = [];
    for (const n of CONNECTIONS) {
      const m = by.get(n)!;
      detail.push(breakdown(`forward, ${n} conn`, m.forward));
      detail.push(breakdown(`forward, node ${TUNED_NODE.join(' ')}, ${n} conn`, m.tuned));
      detail.push(breakdown(`endpoint only, ${n} conn`, m.endpoint));
      detail.push(breakdown(`bare TCP, ${n} conn`, m.bare));
      detail.push(breakdown(`bare TCP, reused buffer, ${n} conn`, m.reused));
    }
    printTable(
      `Where Node's CPU goes, per GB (all ${ROUNDS} rounds together; CPU by thread from /proc/self/task; collections from perf_hooks, their time is wall time)`,
      ['run', 'CPU s/GB', 'main thread s/GB', 'other threads s/GB', 'major GCs/GB', 'minor GCs/GB', 'incremental + weak-callback GC events/GB', 'GC wall time s/GB', 'other threads by name, s/GB'],
      detail,
    );
  } finally {
    await spark.stop();
    shutdown();
    await rm(scratch, { recursive: true, force: true });
  }
}
