/**
 * Benchmarks of the Ray-free core (issue 2). Ratios are measured in one run on this machine;
 * absolute figures move with the machine's load.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { Piscina } from 'piscina';
import { ActorRuntime, type Behavior, type Reply } from '../runtime/index.js';
import { StreamCoordinator } from '../actors/index.js';
import { packBatches, type TransferMode } from '../workers/index.js';
import { KiB, MiB, percentile, printTable } from './support.js';

function bytesBatch(bytes: number): RecordBatch {
  return tableFromArrays({ b: new Uint8Array(bytes).fill(7) }).batches[0]!;
}

async function throughput(batchBytes: number, consumers: number, count: number): Promise<{ batchesPerSec: number; gbPerSec: number }> {
  const rt = new ActorRuntime();
  const c = StreamCoordinator.create({ maxBufferedBatches: 64, runtime: rt });
  const batch = bytesBatch(batchBytes);
  const its = Array.from({ length: consumers }, () => c.iterator());
  const start = performance.now();
  const readers = its.map(async (it) => {
    let n = 0;
    while (await it.pull()) n++;
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
      if (!m) return;
      lat.push(performance.now() - sentAt[m.batchId]!);
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
 * has rebuilt the batch (one-way, p50), and the mean round trip. Large ArrayBuffers make V8
 * collect garbage under "external memory pressure" on both threads; those pauses land in
 * the round trip, not in the hand-off itself, which is why both are shown.
 */
async function handoff(batchBytes: number, mode: TransferMode, count: number): Promise<{ p50: number; roundTrip: number }> {
  const pool = new Piscina({
    filename: fileURLToPath(new URL('./fixtures/handoff-worker.ts', import.meta.url)),
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Infinity,
  });
  const batches = Array.from({ length: count + 2 }, () => bytesBatch(batchBytes));
  const send = async (b: RecordBatch): Promise<number> => {
    const sentAt = performance.timeOrigin + performance.now();
    const { packet, transferList } = packBatches([b], mode);
    const { readyAt } = (await pool.run({ packet }, { transferList })) as { readyAt: number };
    return readyAt - sentAt;
  };
  for (const b of batches.slice(0, 2)) await send(b); // warm the thread
  const oneWay: number[] = [];
  const start = performance.now();
  for (const b of batches.slice(2)) oneWay.push(await send(b));
  const roundTrip = (performance.now() - start) / count;
  await pool.destroy();
  oneWay.sort((a, b) => a - b);
  return { p50: percentile(oneWay, 50), roundTrip };
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

/** Peak RSS in a fresh process: 8 MiB batches through a 256 MiB buffer to a slow consumer. */
function peakRss(): Promise<{ baseline: number; peak: number; limit: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./rss-probe.ts', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { baseline: number; peak: number; limit: number }) : reject(new Error(`rss probe exited ${code}`))));
  });
}

export async function run(): Promise<void> {
  await throughput(KiB, 1, 50_000); // warm-up: the first run also pays for compiling the hot path
  const rows: (string | number)[][] = [];
  for (const [bytes, label, count] of [
    [KiB, '1 KiB', 200_000],
    [16 * MiB, '16 MiB', 400],
  ] as const) {
    for (const consumers of [1, 4]) {
      const r = await throughput(bytes, consumers, count);
      rows.push([label, consumers, r.batchesPerSec, r.gbPerSec]);
    }
  }
  printTable('Coordinator throughput (maxBufferedBatches = 64, backpressure engaged)', ['batch', 'consumers', 'batches/s', 'GB/s'], rows);

  const lat = await latency(50_000);
  printTable('Publish-to-pull latency, 1 KiB batches', ['p50 ms', 'p99 ms'], [[lat.p50, lat.p99]]);

  const hand: (string | number)[][] = [];
  const results = new Map<string, { p50: number; roundTrip: number }>();
  for (const [bytes, label, count] of [
    [16 * KiB, '16 KiB', 2000],
    [16 * MiB, '16 MiB', 40],
  ] as const) {
    const moved = await handoff(bytes, 'move', count);
    const copied = await handoff(bytes, 'copy', count);
    results.set(label, moved);
    hand.push([label, moved.p50, copied.p50, copied.p50 / moved.p50, moved.roundTrip, copied.roundTrip]);
  }
  printTable('Hand-off to a worker thread (ms per batch)', ['batch', 'moved p50', 'copied p50', 'copied/moved', 'moved round trip', 'copied round trip'], hand);
  const ratio = results.get('16 MiB')!.p50 / results.get('16 KiB')!.p50;
  console.log(`moved hand-off, 16 MiB / 16 KiB = ${ratio.toFixed(2)}x (target <= 2x)`);

  const idle = await actorMessaging(0, 200_000);
  const crowded = await actorMessaging(10_000, 200_000);
  printTable('Actor messaging (tell, one busy actor)', ['named actors', 'msg/s'], [[1, idle], [10_001, crowded]]);
  console.log(`10k named actors / none = ${(crowded / idle).toFixed(2)}x`);

  const rss = await peakRss();
  printTable('Peak RSS, 8 MiB batches, slow consumer', ['maxBufferedBytes MiB', 'baseline RSS MiB', 'peak RSS MiB', 'peak - baseline MiB', 'target MiB'], [
    [rss.limit / MiB, rss.baseline / MiB, rss.peak / MiB, (rss.peak - rss.baseline) / MiB, rss.limit / MiB + 100],
  ]);
}
