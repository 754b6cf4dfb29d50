// drls on a real Spark standalone cluster: a master and two workers, each worker on a "host" of
// its own (a network namespace with its own address), executors in JVMs the workers launch, the
// driver a Spark Connect server beside this process, and Node's endpoint on the address the
// namespaces reach. Started once for the file; skipped, saying why, where namespaces cannot be made.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Table, Utf8, makeVector, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { fromSparkStreaming, toSparkStreaming, type MicroBatch, type StreamingIterator } from '../../streaming.js';
import { streamBridge } from '../../bridge/streaming/stream-bridge.js';
import type { DataFrame } from '../../bridge/connect/index.js';
import { ActorRuntime } from '../../runtime/index.js';
import type { DrlsError } from '../../runtime/base/index.js';
import { clusterUnavailable, startCluster, HOST_TAG_SQL, type ClusterWorker, type SparkCluster } from '../support/cluster.js';
import { until, producerHeldBack } from '../support/gate.js';
import { scratchDir } from '../support/scratch.js';

const test = suite('a Spark standalone cluster, one worker per network namespace');

/** A test's whole run is bounded: a hung stream fails it (the `after` hook then stops everything). */
const TEST_TIMEOUT_MS = 90_000;

let cluster: SparkCluster | undefined;
let startError: unknown;
let startReported = false;

function theCluster(): SparkCluster {
  if (cluster) return cluster;
  // The first test carries the whole start-up error (log tails included); the rest point to it.
  if (!startReported) {
    startReported = true;
    throw startError instanceof Error ? startError : new Error(`the cluster did not start: ${String(startError)}`);
  }
  throw new Error('the cluster did not start (see the first failure)');
}

function bounded<T>(what: string, work: Promise<T>, ms = TEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Rows in the files every stream reads, in this many files (one Spark partition each). */
const N = 12_000;
const FILES = 6;
let files: Promise<string> | undefined;

/**
 * Parquet files of the values 0..N-1, written once by the cluster itself (its executors, in
 * their namespaces, on the shared file system); each stream reads them with its own checkpoint.
 */
function valueFiles(c: SparkCluster): Promise<string> {
  return (files ??= (async () => {
    const dir = join(await scratchDir('drls-cluster-data-'), 'data');
    await (await c.spark.sql(`select id as value from range(0, ${N}, 1, ${FILES})`)).write.mode('overwrite').parquet(dir);
    return dir;
  })());
}

/** Those files as a stream, each row tagged with the worker whose executor read it. */
function taggedStream(c: SparkCluster, dir: string, filesPerTrigger: number): DataFrame {
  return c.spark.readStream
    .format('parquet')
    .schema('value BIGINT')
    .option('maxFilesPerTrigger', filesPerTrigger)
    .load(dir)
    .selectExpr('value', `${HOST_TAG_SQL} as host`);
}

interface Rows {
  values: number[];
  hosts: string[];
}

function rowsOf(batches: Iterable<RecordBatch>, into: Rows = { values: [], hosts: [] }): Rows {
  for (const b of batches) {
    for (const v of b.getChild('value')!.toArray() as BigInt64Array) into.values.push(Number(v));
    const host = b.getChild('host')!;
    for (let i = 0; i < b.numRows; i++) into.hosts.push(String(host.get(i)));
  }
  return into;
}

function microRows(micro: MicroBatch, into?: Rows): Rows {
  return rowsOf(
    micro.partitions.flatMap((p) => p.batches),
    into,
  );
}

/** Every value 0..n-1 exactly once; the message counts what is missing and what came twice. */
function assertExactlyOnce(values: number[], n: number, what: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  const dupes = sorted.filter((v, i) => i > 0 && sorted[i - 1] === v);
  const present = new Set(sorted);
  const missing = Array.from({ length: n }, (_, i) => i).filter((v) => !present.has(v));
  assert.ok(
    dupes.length === 0 && missing.length === 0 && sorted.length === n,
    `${what}: ${sorted.length} rows for ${n} values; ${dupes.length} duplicates (first ${dupes[0]}), ${missing.length} missing (first ${missing[0]})`,
  );
}

async function drain(iterator: StreamingIterator): Promise<Rows> {
  const rows: Rows = { values: [], hosts: [] };
  for await (const micro of iterator.microBatches()) microRows(micro, rows);
  return rows;
}

const unavailable = clusterUnavailable();
if (unavailable) console.log(`\n[skipped] cluster tests: ${unavailable}\n`);

/**
 * A test on the cluster: bounded, its duration printed; where no cluster can be made, a skipped
 * test (uvu counts it in its "Skipped:" line, and the reason is printed above).
 */
function clusterTest(name: string, body: (c: SparkCluster) => Promise<void>): void {
  if (unavailable) {
    test.skip(name, () => undefined);
    return;
  }
  test(name, async () => {
    const started = performance.now();
    try {
      await bounded(name, body(theCluster()));
    } finally {
      console.log(`  ${((performance.now() - started) / 1000).toFixed(1)}s  ${name}`);
    }
  });
}

if (!unavailable) {
  test.before(async () => {
    try {
      cluster = await startCluster({
        configs: {
          // A task that failed on a host is retried on another one: with one executor per
          // host, "the other worker" is then certain, not a race with the relaunched executor.
          'spark.excludeOnFailure.enabled': 'true',
          'spark.excludeOnFailure.task.maxTaskAttemptsPerNode': '1',
        },
      });
      console.log(`  cluster up (${cluster.masterUrl}; cumulative: ${cluster.startup}); logs in ${cluster.logDir}`);
    } catch (err) {
      startError = err;
    }
  });
  test.after(async () => {
    await cluster?.stop();
  });
}

for (const useJvmSink of [false, true]) {
  clusterTest(`forward (useJvmSink=${useJvmSink}): files read on both workers, shuffled between them, reach Node exactly once`, async (c) => {
    const dir = await valueFiles(c);
    await taggedStream(c, dir, 2).createOrReplaceTempView(`tagged_${useJvmSink}`);
    // Round-robin into three partitions: executor to executor, namespace to namespace.
    const df = await c.spark.sql(`select /*+ REPARTITION(3) */ value, host from tagged_${useJvmSink}`);
    assert.ok(await df.isStreaming());
    const { iterator, handle } = await fromSparkStreaming(df, {
      runtime: c.runtime,
      endpoint: c.endpoint,
      useJvmSink,
      maxRowsPerBatch: 1000,
      trigger: { availableNow: true },
    });
    const rows = await drain(iterator);
    await handle.stop({ timeoutMs: 30_000 });
    assertExactlyOnce(rows.values, N, 'forward');
    const hosts = new Set(rows.hosts);
    assert.equal([...hosts].sort(), ['w1', 'w2'], `rows were read on both workers' executors (${[...hosts].join(', ')})`);
  });
}

clusterTest('reverse: Node to the memory sink through executors on both hosts, exactly once', async (c) => {
  const n = 10_000;
  function* source(): Generator<Table> {
    for (let i = 0; i < 10; i++) {
      yield new Table({
        value: makeVector(BigInt64Array.from({ length: 1000 }, (_, j) => BigInt(i * 1000 + j))),
        // Plain Utf8: tableFromArrays would dictionary-encode the strings, which Spark cannot read.
        label: vectorFromArray(
          Array.from({ length: 1000 }, (_, j) => `row-${i * 1000 + j}`),
          new Utf8(),
        ),
      });
    }
  }
  const { df, handle } = await toSparkStreaming(source(), c.spark, { runtime: c.runtime, endpoint: c.endpoint });
  const query = await df
    .selectExpr('value', 'label', `${HOST_TAG_SQL} as host`)
    .writeStream.format('memory')
    .queryName('cluster_reverse')
    .trigger({ processingTime: '200 milliseconds' })
    .start();
  try {
    await handle.stop({ timeoutMs: 60_000 }); // returns once Spark has read the last batch
  } finally {
    await query.stop();
  }
  const t = await (
    await c.spark.sql(
      "select count(*) as n, count(distinct value) as d, min(value) as lo, max(value) as hi, sum(case when label = concat('row-', value) then 1 else 0 end) as ok, sum(case when host in ('w1', 'w2') then 1 else 0 end) as remote from cluster_reverse",
    )
  ).collect();
  const row = t.toArray()[0] as Record<string, bigint>;
  assert.equal(
    ['n', 'd', 'lo', 'hi', 'ok', 'remote'].map((k) => Number(row[k])),
    [n, n, 0, n - 1, n, n],
    'every row once, intact, and read by an executor in a namespace',
  );
  assert.is(handle.producerError, null);
});

clusterTest('an executor SIGKILLed in the middle of an epoch: its task runs again on the other worker, every row exactly once', async (c) => {
  const dir = await valueFiles(c);
  // Two files (two tasks, one per worker) per epoch; a coordinator that holds one micro-batch.
  const { coordinator, handle } = await fromSparkStreaming(taggedStream(c, dir, 2), {
    runtime: c.runtime,
    endpoint: c.endpoint,
    useJvmSink: true,
    maxBufferedBatches: 1,
    maxRowsPerBatch: 500,
    trigger: { availableNow: true },
  });
  const { port } = await streamBridge({ runtime: c.runtime }).address();
  const [victim, survivor] = c.workers as [ClusterWorker, ClusterWorker];
  const seen: Rows = { values: [], hosts: [] };
  try {
    // The gate: take epoch 0, then stop pulling. Its micro-batch keeps the buffer full, so
    // every task of epoch 1 waits, mid-write, for Node to stage its first frame.
    const gate = coordinator.iterator({ prefetch: 1 });
    const first = await gate.pull();
    if (first.kind !== 'batch') throw new Error(`the stream ended (${first.kind}) before its first epoch`);
    microRows(first.batch, seen);
    await gate.close();
    await producerHeldBack(coordinator);
    // Both of epoch 1's tasks are running: each worker's executor holds its write connection
    // open (epoch 0's closed before its commit, which came before the gate's pull).
    await until(
      `each worker's executor to hold a write connection to ${c.endpoint.host}:${port} open`,
      async () => c.workers.map((w) => c.connectionsFrom(w, c.endpoint.host, port)),
      (open) => open.every((k) => k > 0),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    const held = await coordinator.getStats();
    assert.is(held.batchesPublished, 1, 'only epoch 0 was published when the executor died');

    const pid = c.executorPid(victim);
    assert.ok(pid, `${victim.name} runs an executor`);
    process.kill(pid, 'SIGKILL');
    await until(`executor ${pid} on ${victim.name} to be gone`, async () => c.executorPid(victim), (p) => p !== pid, { timeoutMs: 10_000 });

    // Let the consumer drain: it resumes at the micro-batch the gate held (taken already).
    const reader = coordinator.iterator({ prefetch: 1, startBatchId: first.batch.batchId });
    const epochs: { partitions: number; hosts: Set<string> }[] = [];
    for (let next = await reader.pull(); next.kind === 'batch'; next = await reader.pull()) {
      const micro = next.batch;
      if (micro.batchId <= first.batch.batchId) continue;
      const rows = microRows(micro);
      seen.values.push(...rows.values);
      seen.hosts.push(...rows.hosts);
      epochs.push({ partitions: micro.partitions.filter((p) => p.batches.length > 0).length, hosts: new Set(rows.hosts) });
    }
    await reader.close();

    assertExactlyOnce(seen.values, N, 'with an executor killed mid-epoch');
    const killed = epochs[0];
    assert.ok(killed, 'the epoch held when the executor died was delivered');
    assert.is(killed.partitions, 2, 'that epoch has both of its tasks’ partitions');
    assert.equal([...killed.hosts], [survivor.name], `that epoch was written by ${survivor.name} alone: the killed task ran again there`);
    // The master gives the victim's worker a new executor; later tests get the whole cluster.
    await c.awaitExecutors(60_000);
    assert.is.not(c.executorPid(victim), pid, `${victim.name} runs a new executor`);
  } finally {
    await handle.stop({ timeoutMs: 30_000 }).catch(() => undefined);
  }
});

clusterTest('an executor that cannot reach Node fails the query, naming the address it tried', async (c) => {
  // Its own runtime, so its own endpoint: on loopback, advertised as 127.0.0.1. The driver (in
  // the root namespace) reaches it; an executor dials its own namespace's loopback.
  const runtime = new ActorRuntime({ name: 'cluster-unreachable' });
  try {
    // One file per epoch, so one task: it fails on one host and, excluded there, once more on
    // the other (two failures end the job), so the cause Spark reports is always that task's.
    const dir = await valueFiles(c);
    const { iterator, handle } = await fromSparkStreaming(taggedStream(c, dir, 1), {
      runtime,
      endpoint: { host: '127.0.0.1', advertisedHost: '127.0.0.1' },
      useJvmSink: true,
      trigger: { availableNow: true },
    });
    const { port } = await streamBridge({ runtime }).address();
    try {
      for await (const _ of iterator) assert.unreachable('no batch can arrive');
      assert.unreachable('the iterator must throw');
    } catch (err) {
      assert.is((err as DrlsError).code, 'DRLS_STREAM_FAILED', String(err));
      const expected = `cannot open drls write connection to 127.0.0.1:${port}`;
      assert.match((err as Error).message, expected, `expected "${expected}" in: ${(err as Error).message}`);
    } finally {
      await handle.stop({ timeoutMs: 5000 }).catch(() => undefined);
    }
  } finally {
    runtime.shutdown();
  }
});

test.run();
