// In-process, no Spark: a producer feeds a coordinator with 6-partition micro-batches,
// three worker-thread consumers each take their share of the partitions, and the stats
// line shows the stream as it goes.
//   node --import tsx examples/partitioned-consumers.ts
import { fileURLToPath } from 'node:url';
import { tableFromArrays } from 'apache-arrow';
import { shutdown } from 'drls';
import { StreamCoordinator, runPartitioned, assignPartitions } from 'drls/streaming';
import { printStats } from 'drls/streaming/monitor';
import type { Score } from './workers/score-worker.js';

const NUM_PARTITIONS = 6;
const NUM_CONSUMERS = 3;
const coordinator = StreamCoordinator.create({ streamId: 'example', maxBufferedBatches: 8 });
console.log('partition assignment:', JSON.stringify(assignPartitions(NUM_CONSUMERS, NUM_PARTITIONS)));

const totals = new Map<number, number>();
const run = runPartitioned<Score>({
  coordinator,
  worker: fileURLToPath(new URL('./workers/score-worker.ts', import.meta.url)),
  numConsumers: NUM_CONSUMERS,
  numPartitions: NUM_PARTITIONS,
  onResult: (s) => totals.set(s.partition, (totals.get(s.partition) ?? 0) + s.sum),
});
const printer = printStats(coordinator, { interval: 250 });

let expected = 0;
for (let batch = 0; batch < 50; batch++) {
  const partitions = Array.from({ length: NUM_PARTITIONS }, (_, p) => {
    const value = Float64Array.from({ length: 1000 }, (_, i) => batch * 1000 + i + p);
    for (const v of value) expected += v;
    return tableFromArrays({ value });
  });
  await coordinator.publish({ partitions }); // waits while the buffer is full
}
await coordinator.complete();

const summary = await run;
await printer.done;
const total = [...totals.values()].reduce((a, b) => a + b, 0);
console.log(`processed ${summary.batches} record batches (${summary.rows} rows) on ${NUM_CONSUMERS} worker threads`);
console.log(`sum over all partitions: ${total} (expected ${expected}) ${total === expected ? 'OK' : 'MISMATCH'}`);
coordinator.stop();
shutdown();
if (total !== expected) process.exit(1);
