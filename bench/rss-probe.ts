// Runs in its own process (for a clean RSS): 1 GiB of fresh 8 MiB batches through a
// coordinator limited to 256 MiB, drained by a consumer slower than the producer.
// Run with --expose-gc, it collects after every publish: the peak is then what the process
// really holds, without the dropped batches V8 has not freed yet.
import { setTimeout as sleep } from 'node:timers/promises';
import { tableFromArrays } from 'apache-arrow';
import { StreamCoordinator } from '../actors/index.js';
import { shutdown } from '../runtime/index.js';

const MiB = 1024 * 1024;
const collect = (globalThis as { gc?: () => void }).gc;
const limit = 256 * MiB;
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
const c = StreamCoordinator.create({ maxBufferedBytes: limit, maxBufferedBatches: 1_000_000 });
const it = c.iterator();
const reader = (async () => {
  while (await it.pull()) await sleep(20);
})();
for (let i = 0; i < 128; i++) {
  await c.publish(tableFromArrays({ b: new Uint8Array(8 * MiB).fill(i) }));
  if (collect) {
    collect();
    peak = Math.max(peak, process.memoryUsage.rss());
  }
}
await c.complete();
await reader;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
shutdown();
process.stdout.write(JSON.stringify({ baseline, peak, limit }));
