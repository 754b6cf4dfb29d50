/**
 * Benchmarks of the Ray-free core (issue 2). Ratios are measured in one run on this machine;
 * absolute figures move with the machine's load. Targets: >= 100k small (1 KiB) batches/s
 * through a coordinator to one consumer; peak RSS <= idle RSS + maxBufferedBytes + 100 MiB
 * (the compiled probe, as a service runs); a moved 16 MiB hand-off within 2x a 16 KiB one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { Piscina } from 'piscina';
import { ActorRuntime, type Behavior, type Reply } from '../runtime/index.js';
import { DEFAULT_MAX_BUFFERED_BYTES, StreamCoordinator } from '../actors/index.js';
import { packBatches, type TransferMode } from '../workers/arrow-transfer.js';
import { payloadPool } from '../runtime/base/index.js';
import { cpuWindow, KiB, MiB, percentile, printTable, reportTarget, type CpuWindow } from './support.js';

/** A one-column batch over `values`, which it uses in place. */
function batchOver(values: Uint8Array): RecordBatch {
  return tableFromArrays({ b: values }).batches[0]!;
}

function bytesBatch(bytes: number): RecordBatch {
  return batchOver(new Uint8Array(bytes).fill(7));
}

async function throughput(batchBytes: number, consumers: number, count: number): Promise<{ batchesPerSec: number; gbPerSec: number }> {
  const rt = new ActorRuntime();
  const c = StreamCoordinator.create({ maxBufferedBatches: 64, runtime: rt });
  const batch = bytesBatch(batchBytes);
  const its = Array.from({ length: consumers }, () => c.iterator());
  const start = performance.now();
  const readers = its.map(async (it) => {
    let n = 0;
    while ((await it.pull()).kind === 'batch') n++;
    return n;
  });
  for (let i = 0; i < count; i++) await c.publish(batch);
  await c.complete();
  const got = await Promise.all(readers);
  const secs = (performance.now() - start) / 1000;
  if (got.some((n) => n !== count)) throw new Error(`lost batches: ${got.join(',')} of ${count}`);
  rt.shutdown();
  return { batchesPerSec: count / secs, gbPerSec: (count * batchBytes) / secs / 1e9 };
}

async function latency(count: number): Promise<{ p50: number; p99: number }> {
  const rt = new ActorRuntime();
  const c = StreamCoordinator.create({ maxBufferedBatches: 64, runtime: rt });
  const batch = bytesBatch(KiB);
  const sentAt = new Float64Array(count);
  const lat: number[] = [];
  const it = c.iterator();
  const reader = (async () => {
    for (;;) {
      const m = await it.pull();
      if (m.kind !== 'batch') return;
      lat.push(performance.now() - sentAt[m.batch.batchId]!);
    }
  })();
  for (let i = 0; i < count; i++) {
    sentAt[i] = performance.now();
    await c.publish(batch);
  }
  await c.complete();
  await reader;
  rt.shutdown();
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

/**
 * Hand-off of one batch to a worker thread: from packing on this thread until the worker
 * has rebuilt the batch (one-way, p50), split into transit (until the task starts on the
 * worker) and rebuild, the mean round trip, and the collections either thread ran meanwhile.
 * Two set-ups:
 * - fresh: every batch is a new buffer (made before timing) and the worker drops it, as in a
 *   stream;
 * - recycled: the worker moves the buffer back and the next batch is built over it, so no
 *   buffer is new and the figure is the cost of moving itself.
 */
interface Handoff {
  /** One-way, packing to rebuilt: p50 and p90, ms. */
  p50: number;
  p90: number;
  /** Packing here until the task function starts on the worker (the move itself), p50 ms. */
  transitP50: number;
  /** The worker's rebuild of the batch over the buffers, p50 ms. */
  rebuildP50: number;
  /** Mean round trip, ms. */
  roundTrip: number;
  /** Collections on the worker per measured batch. */
  workerMajorGcs: number;
  workerMinorGcs: number;
  /** Collections on this (the sending) thread per measured batch. */
  mainGcs: number;
}

/**
 * `fresh`: each batch in a new ArrayBuffer (a batch the app made), moved and dropped by the
 * worker. `recycled`: one buffer, moved back and forth. `wire`: each batch in payload-pool
 * memory, as the forward path delivers it, which a move shares instead of transferring.
 */
type HandoffSetUp = 'fresh' | 'recycled' | 'wire';

async function handoff(batchBytes: number, mode: TransferMode, count: number, setUp: HandoffSetUp): Promise<Handoff> {
  const recycle = setUp === 'recycled';
  const pool = new Piscina({
    filename: fileURLToPath(new URL('./fixtures/handoff-worker.ts', import.meta.url)),
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Infinity,
  });
  const fresh = setUp === 'fresh' ? Array.from({ length: count + 2 }, () => new Uint8Array(batchBytes).fill(7)) : [];
  const wire = (): Uint8Array => payloadPool.take(batchBytes).fill(7);
  // The pool's allowance a forward stream brings (its maxBufferedBytes): wire payloads come with one.
  const giveBackAllowance = setUp === 'wire' ? payloadPool.allow(DEFAULT_MAX_BUFFERED_BYTES) : () => undefined;
  let reused = new Uint8Array(recycle ? batchBytes : 0).fill(7);
  const oneWay: number[] = [];
  const transit: number[] = [];
  const rebuild: number[] = [];
  let busy = 0;
  let gcsAtStart = { majorGcs: 0, minorGcs: 0 };
  let gcsAtEnd = gcsAtStart;
  let window: CpuWindow | undefined;
  for (let i = 0; i < count + 2; i++) {
    if (i === 2) window = cpuWindow();
    const b = batchOver(recycle ? reused : setUp === 'wire' ? wire() : fresh[i]!);
    const sentAt = performance.timeOrigin + performance.now();
    const { packet, transferList } = packBatches([b], mode);
    type Ready = { startedAt: number; readyAt: number; majorGcs: number; minorGcs: number; buffer?: ArrayBuffer };
    const r = (await pool.run({ packet, giveBack: recycle }, { transferList })) as Ready;
    if (i === 1) gcsAtStart = r;
    if (i >= 2) {
      // The first two warm the thread.
      oneWay.push(r.readyAt - sentAt);
      transit.push(r.startedAt - sentAt);
      rebuild.push(r.readyAt - r.startedAt);
      busy += performance.timeOrigin + performance.now() - sentAt;
      gcsAtEnd = r;
    }
    if (recycle && mode === 'move') reused = new Uint8Array(r.buffer!);
  }
  const mainGc = (await window!.stop()).gc;
  await pool.destroy();
  giveBackAllowance();
  const p = (xs: number[], q: number): number => percentile([...xs].sort((a, b) => a - b), q);
  return {
    p50: p(oneWay, 50),
    p90: p(oneWay, 90),
    transitP50: p(transit, 50),
    rebuildP50: p(rebuild, 50),
    roundTrip: busy / count,
    workerMajorGcs: (gcsAtEnd.majorGcs - gcsAtStart.majorGcs) / count,
    workerMinorGcs: (gcsAtEnd.minorGcs - gcsAtStart.minorGcs) / count,
    mainGcs: (mainGc.major + mainGc.minor) / count,
  };
}

/**
 * Node's own floor: a buffer of `bytes` posted with a plain worker_threads postMessage to a thread
 * that only takes it (no piscina, no Arrow). One-way p50, ms.
 * - `fresh`: a new ArrayBuffer, moved; all of them filled before the run, as the fresh set-up's are.
 * - `just-written shared`: a new SharedArrayBuffer filled just before it is posted, as a wire
 *   payload is: memory the socket has just written, and new (the pool never reuses a slab a
 *   worker may hold). 16 MiB just written pushes both threads' working sets out of the CPU's
 *   caches; new memory costs more again. Collections run outside the timed part, every 64 MiB,
 *   so that memory stays bounded and the floor stays a floor.
 */
async function rawPostMessage(bytes: number, count: number, kind: 'fresh' | 'just-written shared'): Promise<number> {
  const worker = new Worker(
    "const { parentPort } = require('node:worker_threads');" +
      'parentPort.on("message", (m) => parentPort.postMessage(performance.timeOrigin + performance.now() + 0 * new Uint8Array(m)[0]));',
    { eval: true },
  );
  const fresh = Array.from({ length: kind === 'fresh' ? count + 2 : 0 }, () => new Uint8Array(bytes).fill(7).buffer as ArrayBuffer | undefined);
  const oneWay: number[] = [];
  for (let i = 0; i < count + 2; i++) {
    let b: ArrayBufferLike;
    if (kind === 'fresh') {
      b = fresh[i]!;
      fresh[i] = undefined; // dropped here as the worker drops it
    } else {
      if (((i * bytes) & (64 * MiB - 1)) < bytes) globalThis.gc?.();
      b = new SharedArrayBuffer(bytes);
      new Uint8Array(b).fill(7);
    }
    const answered = new Promise<number>((r) => worker.once('message', r));
    const sentAt = performance.timeOrigin + performance.now();
    worker.postMessage(b, kind === 'fresh' ? [b as ArrayBuffer] : []);
    const at = await answered;
    if (i >= 2) oneWay.push(at - sentAt);
  }
  await worker.terminate();
  return percentile(oneWay.sort((a, b) => a - b), 50);
}

async function actorMessaging(extraActors: number, messages: number): Promise<number> {
  type Msg = { type: 'inc' } | { type: 'get'; reply: Reply<number> };
  const behavior = (): Behavior<Msg, { n: number }> => ({
    init: () => ({ n: 0 }),
    receive(s, m) {
      if (m.type === 'inc') s.n++;
      else m.reply.resolve(s.n);
      return s;
    },
  });
  const rt = new ActorRuntime();
  for (let i = 0; i < extraActors; i++) rt.spawn(`idle-${i}`, behavior());
  const h = rt.spawn('busy', behavior());
  const start = performance.now();
  for (let i = 0; i < messages; i++) h.tell({ type: 'inc' });
  await h.ask({ type: 'get' });
  const rate = messages / ((performance.now() - start) / 1000);
  rt.shutdown();
  return rate;
}

interface RssResult {
  baseline: number;
  peak: number;
  limit: number;
}

/** Peak RSS in a fresh process: 8 MiB batches through a 256 MiB buffer to a slow consumer. */
function peakRss(command: string, args: string[]): Promise<RssResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as RssResult) : reject(new Error(`rss probe exited ${code}`))));
  });
}

/**
 * The RSS probe compiled to plain JavaScript, as a user's service would run the library:
 * under tsx, Node's idle RSS is ~30 MiB higher (the loader's thread and transpiled sources).
 */
function compiledRssProbe(): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const outDir = join(root, '.cache', 'bench-js');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['--outDir', outDir, '--rootDir', root, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022'];
  execFileSync(process.execPath, [tsc, ...args, '--skipLibCheck', '--strict', '--types', 'node', join(root, 'bench', 'fixtures', 'rss-probe.ts')], { stdio: 'inherit' });
  return join(outDir, 'bench', 'fixtures', 'rss-probe.js');
}

export async function run(): Promise<void> {
  await throughput(KiB, 1, 50_000); // warm-up: the first run also pays for compiling the hot path
  const rows: (string | number)[][] = [];
  let smallPerSec = NaN;
  for (const [bytes, label, count] of [
    [KiB, '1 KiB', 200_000],
    [16 * MiB, '16 MiB', 4000], // references, not bytes: 400 ran for only a few ms and swung 5x
  ] as const) {
    for (const consumers of [1, 4]) {
      const r = await throughput(bytes, consumers, count);
      if (bytes === KiB && consumers === 1) smallPerSec = r.batchesPerSec;
      rows.push([label, String(consumers), r.batchesPerSec, r.gbPerSec]);
    }
  }
  printTable('Coordinator throughput (maxBufferedBatches = 64, backpressure engaged)', ['batch', 'consumers', 'batches/s', 'GB/s'], rows);
  reportTarget({ name: 'coordinator-small-batches-per-sec', measured: smallPerSec, goal: 100_000, kind: 'min', unit: '/s' });

  const lat = await latency(50_000);
  printTable('Publish-to-pull latency, 1 KiB batches', ['p50 ms', 'p99 ms'], [[lat.p50, lat.p99]]);

  const hand: (string | number)[][] = [];
  const movedP50 = new Map<string, { fresh: number; recycled: number; wire: number; raw: number; rawShared: number }>();
  const why: (string | number)[][] = [];
  for (const [bytes, label, count, recycledCount] of [
    [16 * KiB, '16 KiB', 2000, 2000],
    [16 * MiB, '16 MiB', 40, 400],
  ] as const) {
    const moved = await handoff(bytes, 'move', count, 'fresh');
    const copied = await handoff(bytes, 'copy', count, 'fresh');
    const recycled = await handoff(bytes, 'move', recycledCount, 'recycled');
    const wire = await handoff(bytes, 'move', recycledCount, 'wire');
    const raw = await rawPostMessage(bytes, count, 'fresh');
    const rawShared = await rawPostMessage(bytes, recycledCount, 'just-written shared');
    movedP50.set(label, { fresh: moved.p50, recycled: recycled.p50, wire: wire.p50, raw, rawShared });
    for (const [setUp, h] of [['fresh', moved], ['recycled', recycled], ['wire payloads', wire]] as const) {
      why.push([label, setUp, h.p50, h.p90, h.transitP50, h.rebuildP50, (h.workerMajorGcs + h.workerMinorGcs).toFixed(2), h.mainGcs.toFixed(2)]);
    }
    hand.push([label, moved.p50, copied.p50, copied.p50 / moved.p50, recycled.p50, wire.p50, raw, rawShared, moved.roundTrip, copied.roundTrip]);
  }
  printTable(
    'Hand-off to a worker thread (ms per batch; one-way p50 unless said)',
    ['batch', 'moved', 'copied', 'copied/moved', 'moved, buffers recycled', 'moved, wire payloads', "Node's postMessage alone, fresh", "Node's postMessage alone, new shared memory just written", 'moved round trip', 'copied round trip'],
    hand,
  );
  printTable(
    'Moved hand-off, where the time goes (ms; transit: packing here until the task starts on the worker; rebuild: the worker making the batch)',
    ['batch', 'set-up', 'one-way p50', 'p90', 'transit p50', 'rebuild p50', 'GCs per batch, worker', 'GCs per batch, sender'],
    why,
  );
  const small = movedP50.get('16 KiB')!;
  const big = movedP50.get('16 MiB')!;
  console.log(
    `moved hand-off, 16 MiB / 16 KiB (target <= 2x): ${(big.fresh / small.fresh).toFixed(2)}x with fresh batches, ` +
      `${(big.recycled / small.recycled).toFixed(2)}x with buffers recycled, ${(big.wire / small.wire).toFixed(2)}x with wire payloads; ` +
      `Node's own postMessage, without drls: ${(big.raw / small.raw).toFixed(2)}x for a fresh buffer, ` +
      `${(big.rawShared / small.rawShared).toFixed(2)}x for new shared memory written just before (as a wire payload is)`,
  );
  // A batch the app made: every batch fresh, dropped by the worker.
  reportTarget({ name: 'handoff-moved-16MiB-vs-16KiB', measured: big.fresh / small.fresh, goal: 2, kind: 'max', unit: 'x' });
  // A batch from Spark: in payload-pool memory, shared with the worker rather than transferred.
  reportTarget({ name: 'handoff-moved-16MiB-vs-16KiB-wire', measured: big.wire / small.wire, goal: 2, kind: 'max', unit: 'x' });

  const idle = await actorMessaging(0, 200_000);
  const crowded = await actorMessaging(10_000, 200_000);
  printTable('Actor messaging (tell, one busy actor)', ['named actors', 'msg/s'], [['1', idle], ['10,001', crowded]]);
  console.log(`10k named actors / none = ${(crowded / idle).toFixed(2)}x`);

  const probe = fileURLToPath(new URL('./fixtures/rss-probe.ts', import.meta.url));
  const compiled = compiledRssProbe();
  const runs: [string, RssResult][] = [
    ['node --import tsx (as the bench runs)', await peakRss(process.execPath, [...process.execArgv.filter((a) => a !== '--expose-gc'), probe])],
    ['node, compiled JS (as a service runs)', await peakRss(process.execPath, [compiled])],
    // Not a set-up to run: it shows how much of the peak is batches V8 has not freed yet.
    ['node, compiled JS, gc() after each publish', await peakRss(process.execPath, ['--expose-gc', compiled])],
  ];
  const limitMiB = runs[0]![1].limit / MiB;
  printTable(
    `Peak RSS, 8 MiB batches through maxBufferedBytes = ${limitMiB} MiB, slow consumer (target: ${limitMiB + 100} MiB)`,
    ['process', 'idle RSS MiB', 'peak RSS MiB', 'peak - idle MiB'],
    runs.map(([label, r]) => [label, r.baseline / MiB, r.peak / MiB, (r.peak - r.baseline) / MiB]),
  );
  // Over idle + maxBufferedBytes, for the process as a service runs it (compiled JS, no forced GC).
  const service = runs[1]![1];
  reportTarget({ name: 'peak-rss-over-idle-plus-buffer', measured: (service.peak - service.baseline - service.limit) / MiB, goal: 100, kind: 'max', unit: ' MiB' });
}
