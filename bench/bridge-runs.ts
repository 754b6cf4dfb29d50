/** Bridge benchmark runs shared by the bench suites and the tuned-Node child process. */
import { execFile, fork } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SparkSession, StreamingQuery } from '../bridge/connect/index.js';
import { MemoryEpochLedger, WireEndpoint, type SinkTarget } from '../bridge/endpoint/index.js';
import { ensureSpark } from '../bridge/spark/index.js';
import { javaBinary } from '../bridge/spark/java.js';
import { JAVA_OPENS } from '../bridge/spark/server.js';
import { fromSparkStreaming } from '../bridge/streaming/index.js';
import { payloadPool } from '../runtime/base/index.js';
import { DEFAULT_MAX_BUFFERED_BYTES } from '../actors/index.js';
import { cpuWindow, type CpuSample } from './support.js';
import type { SenderReply, SenderRequest } from './fixtures/tcp-sender.js';
import type { ChildReply, ChildRequest } from './tuned-node-child.js';

export const FORWARD_SCHEMA = 'l BIGINT, d DOUBLE, s STRING';

/**
 * Spark SQL confs under which a file stream reads each file as exactly one partition (one
 * task, so one connection to Node on the executor sink): no file is split, and no two files
 * share a partition (each file "costs" a whole partition to open).
 */
export const ONE_FILE_PER_PARTITION = {
  'spark.sql.files.maxPartitionBytes': String(1 << 30),
  'spark.sql.files.openCostInBytes': String(1 << 30),
} as const;

/** Parquet input for the forward runs, in `parent`/`name`: `rows` rows of (long, double, string) in `files` files. */
export async function writeInput(spark: SparkSession, parent: string, rows: number, files: number, name = 'input'): Promise<string> {
  const dir = join(parent, name);
  await (await spark.sql(`select id as l, cast(id as double) * 0.5 as d, concat('row-', id) as s from range(0, ${rows}, 1, ${files})`)).write
    .mode('overwrite')
    .parquet(dir);
  return dir;
}

/** Where a finished query's triggers went, summed over its micro-batches (its progress, durationMs). */
export interface SparkTimes {
  readonly batches: number;
  /** The sink's part: writing every partition (for drls, encoding and sending to Node) and the commit. */
  readonly addBatch: number;
  /** Whole triggers: planning, the source's offsets, the WAL and offset commits, and addBatch. */
  readonly trigger: number;
}

/** Seconds of Spark's triggers from a query's progress; NaN where the server no longer has it. */
export async function sparkTimes(q: StreamingQuery): Promise<SparkTimes> {
  const progress = await q.recentProgress().catch(() => []);
  const sum = (key: string): number => progress.reduce((n, p) => n + (p.durationMs?.[key] ?? 0), 0) / 1000;
  return progress.length === 0 ? { batches: 0, addBatch: NaN, trigger: NaN } : { batches: progress.length, addBatch: sum('addBatch'), trigger: sum('triggerExecution') };
}

export interface NoopRun {
  readonly seconds: number;
  readonly spark: SparkTimes;
}

/** The file stream in `dir` into Spark's `noop` sink. */
export async function noopForward(spark: SparkSession, dir: string, filesPerTrigger = 2): Promise<NoopRun> {
  const start = performance.now();
  const q = await spark.readStream.schema(FORWARD_SCHEMA).option('maxFilesPerTrigger', filesPerTrigger).parquet(dir).writeStream.format('noop').trigger({ availableNow: true }).start();
  await q.awaitTermination();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, spark: await sparkTimes(q) };
}

export interface ForwardRun {
  readonly seconds: number;
  readonly rows: number;
  /** Node's own CPU seconds (all its threads) during the run. */
  readonly cpu: number;
}

export interface IngestRun extends ForwardRun {
  /** Arrow bytes the coordinator published (the payloads' buffers). */
  readonly bytes: number;
  /** Record batches the consumer took (one IPC frame each). */
  readonly batches: number;
  /** Micro-batches (Spark epochs) delivered. */
  readonly epochs: number;
  /** The most partitions one epoch had: the connections that sent it, on the executor sink. */
  readonly maxPartitions: number;
  /** Where the CPU went. */
  readonly sample: CpuSample;
  /** Spark's own account of the query's triggers. */
  readonly spark: SparkTimes;
}

/**
 * The file stream in `dir` through the drls sink into a Node consumer that only counts rows
 * (and notes which epoch and partition each batch came from). Each Spark epoch reads
 * `filesPerTrigger` files; under {@link ONE_FILE_PER_PARTITION} that is the number of
 * partitions, so of tasks sending at once (given as many task slots).
 */
export async function drlsForward(spark: SparkSession, dir: string, useJvmSink: boolean, filesPerTrigger = 2): Promise<IngestRun> {
  const window = cpuWindow();
  const start = performance.now();
  const df = spark.readStream.schema(FORWARD_SCHEMA).option('maxFilesPerTrigger', filesPerTrigger).parquet(dir);
  const { iterator, coordinator, query } = await fromSparkStreaming(df, { useJvmSink, trigger: { availableNow: true } });
  let rows = 0;
  let batches = 0;
  const partitions = new Map<number, number>(); // epoch -> partitions seen
  let lastEpoch = -1;
  let seenInEpoch = new Set<number>();
  for await (const entry of iterator.entries()) {
    rows += entry.batch.numRows;
    batches++;
    const epoch = entry.epoch ?? -1;
    if (epoch !== lastEpoch) {
      lastEpoch = epoch;
      seenInEpoch = new Set();
    }
    seenInEpoch.add(entry.partition);
    partitions.set(epoch, seenInEpoch.size);
  }
  const seconds = (performance.now() - start) / 1000;
  const sample = await window.stop();
  const { bytesPublished } = await coordinator.getStats();
  coordinator.stop();
  const sparkSide = await sparkTimes(query);
  return {
    seconds,
    rows,
    cpu: sample.cpu,
    bytes: bytesPublished,
    batches,
    epochs: partitions.size,
    maxPartitions: Math.max(0, ...partitions.values()),
    sample,
    spark: sparkSide,
  };
}

/** What the connector jar and its test classes need on a JVM's classpath. */
async function wireBenchClasspath(): Promise<string> {
  const install = await ensureSpark();
  const connector = fileURLToPath(new URL('../bridge/jvm/target/drls-connector.jar', import.meta.url));
  // WireBench is test code (bridge/jvm/src/test/java), compiled by bridge/jvm/build.sh but not shipped in the jar.
  const benchClasses = fileURLToPath(new URL('../bridge/jvm/target/test-classes', import.meta.url));
  return `${install.jarsDir}/*:${connector}:${benchClasses}`;
}

/** An endpoint whose sink target accepts every payload at once and keeps nothing. */
async function discardingEndpoint(): Promise<{ close: () => Promise<void>; options: Record<string, string> }> {
  const endpoint = await WireEndpoint.start({ logger: { warn: () => undefined } });
  // The pool's allowance a forward stream brings: this discarding sink stands in for one.
  const giveBackAllowance = payloadPool.allow(DEFAULT_MAX_BUFFERED_BYTES);
  const sink: SinkTarget = {
    stage: async () => undefined,
    commitEpoch: async () => ({ duplicate: false, batchId: 0 }),
    abortEpoch: async () => undefined,
    ledger: new MemoryEpochLedger(),
  };
  const o = endpoint.register('wire-bench', { sink }).connectorOptions();
  const close = async (): Promise<void> => {
    await endpoint.close();
    giveBackAllowance();
  };
  return { close, options: { host: o.host, port: o.port, streamId: o.streamId, secret: o.secret } };
}

/** One WireBench JVM: `count` frames of `mib` MiB over one write connection; bytes and seconds it reports. */
function runWireBench(classpath: string, o: Record<string, string>, mib: number, count: number): Promise<{ bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      javaBinary(),
      [...JAVA_OPENS, '-cp', classpath, 'io.drls.spark.WireBench', o['host']!, o['port']!, o['streamId']!, o['secret']!, String(mib), String(count)],
      { maxBuffer: 1 << 20 },
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as { bytes: number; seconds: number })),
    );
  });
}

/**
 * The connector's raw wire: the JVM side's WireBench sends 16 MiB Arrow IPC frames over one
 * write connection, exactly as a task does, to a Node endpoint whose target accepts at once.
 */
export async function wire(totalMiB: number): Promise<number> {
  const classpath = await wireBenchClasspath();
  const { close, options } = await discardingEndpoint();
  const { bytes, seconds } = await runWireBench(classpath, options, 16, totalMiB / 16);
  await close();
  return bytes / seconds;
}

export interface ReadOnlyRun {
  readonly seconds: number;
  readonly bytes: number;
  readonly sample: CpuSample;
}

/**
 * Node's endpoint alone, n connections: n WireBench JVMs at once, each sending its share of
 * `totalBytes` in `frameMiB` MiB frames, into an endpoint that discards every payload. Node's
 * CPU is frame reading and the write role's protocol, without decoding, staging or consumers.
 * The window includes the JVMs' start (Node idles meanwhile).
 */
export async function endpointOnly(connections: number, totalBytes: number, frameMiB: number): Promise<ReadOnlyRun> {
  const classpath = await wireBenchClasspath();
  const { close, options } = await discardingEndpoint();
  const perConnection = Math.max(1, Math.round(totalBytes / connections / (frameMiB * 1024 * 1024)));
  const window = cpuWindow();
  const start = performance.now();
  const runs = await Promise.all(Array.from({ length: connections }, () => runWireBench(classpath, options, frameMiB, perConnection)));
  const seconds = (performance.now() - start) / 1000;
  const sample = await window.stop();
  await close();
  return { seconds, bytes: runs.reduce((n, r) => n + r.bytes, 0), sample };
}

/**
 * How a bare TCP sink reads: 'data', a plain net server's sockets emitting a fresh Buffer per
 * read (what any Node TCP server does); 'reused', client sockets reading into one buffer
 * they keep (net's `onread`), so reading allocates nothing: the floor of reading alone.
 */
export type BareRead = 'data' | 'reused';

/**
 * A bare TCP sink: Node reads and discards `totalBytes` over `connections` sockets, sent by a
 * child Node writing `chunkBytes` at a time. The window opens once every connection is up and
 * closes when the last byte is read: Node's CPU for reading those bytes off those sockets and
 * nothing else (the sender's CPU is the child's).
 */
export async function bareTcpSink(connections: number, totalBytes: number, chunkBytes: number, read: BareRead = 'data'): Promise<ReadOnlyRun> {
  const perConnection = Math.ceil(totalBytes / connections);
  const total = perConnection * connections;
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const got = (n: number): void => {
    received += n;
    if (received >= total) done();
  };
  const sockets: Socket[] = [];
  const child = fork(fileURLToPath(new URL('./fixtures/tcp-sender.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const replies: SenderReply[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (m: SenderReply) => {
    replies.push(m);
    wake?.();
  });
  const next = async (type: SenderReply['type']): Promise<SenderReply> => {
    for (;;) {
      const i = replies.findIndex((r) => r.type === type);
      if (i >= 0) return replies.splice(i, 1)[0]!;
      const code = await Promise.race([new Promise<undefined>((r) => (wake = () => r(undefined))), exited]);
      if (code !== undefined) throw new Error(`tcp sender exited (${code}) before '${type}'`);
    }
  };
  const send = (m: SenderRequest): void => {
    if (child.connected) child.send(m);
  };
  let server: Server | undefined;
  try {
    if (read === 'data') {
      let accepted = 0;
      let allAccepted!: () => void;
      const acceptedAll = new Promise<void>((r) => (allAccepted = r));
      server = createServer((socket) => {
        sockets.push(socket);
        socket.on('data', (d: Buffer) => got(d.length));
        socket.on('error', () => undefined);
        if (++accepted === connections) allAccepted();
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      send({ type: 'connect', port: (server.address() as AddressInfo).port, connections });
      await next('connected');
      await acceptedAll;
    } else {
      send({ type: 'listen', connections });
      const listening = await next('listening');
      const port = listening.type === 'listening' ? listening.port : 0;
      const buffer = Buffer.allocUnsafe(64 * 1024);
      for (let i = 0; i < connections; i++) {
        const socket = connect({ port, host: '127.0.0.1', onread: { buffer, callback: (n: number) => (got(n), true) } });
        socket.on('error', () => undefined);
        sockets.push(socket);
      }
      await next('connected');
    }
    const window = cpuWindow();
    const start = performance.now();
    send({ type: 'send', bytesPerConnection: perConnection, chunkBytes });
    await finished;
    const seconds = (performance.now() - start) / 1000;
    const sample = await window.stop();
    return { seconds, bytes: received, sample };
  } finally {
    send({ type: 'exit' });
    await exited;
    for (const s of sockets) s.destroy();
    server?.close();
  }
}

export interface TunedNode {
  run(useJvmSink: boolean, input?: { dir: string; filesPerTrigger: number }): Promise<IngestRun>;
  wire(totalMiB: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A child Node started with `flags`, on the parent's Spark (through Spark Connect), for the
 * forward and wire runs: the tables compare Node's default heap set-up with the README's.
 */
export async function tunedNode(remote: string, dir: string, flags: string[]): Promise<TunedNode> {
  const child = fork(fileURLToPath(new URL('./tuned-node-child.ts', import.meta.url)), [], {
    execArgv: [...flags, '--import', 'tsx'],
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
    run: async (useJvmSink, input) => {
      const r = await ask({ type: 'run', useJvmSink, ...input });
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

