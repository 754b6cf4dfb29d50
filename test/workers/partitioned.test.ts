import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { ActorRuntime } from '../../runtime/index.js';
import { StreamCoordinator, type StreamingIterator } from '../../actors/index.js';
import { assignPartitions, createPartitionedIterators, runPartitioned } from '../../workers/index.js';
import { packBatches, unpackBatches } from '../../workers/arrow-transfer.js';
import { WorkerFailedError, type DrlsError } from '../../runtime/base/index.js';
import { intBatch, xs } from '../support/arrow.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const test = suite<{ rt: ActorRuntime }>('partitioned consumers');
test.before.each((ctx) => {
  ctx.rt = new ActorRuntime();
});
test.after.each((ctx) => ctx.rt.shutdown());

/** Publish `n` micro-batches of `parts` partitions; partition p of batch b holds [b*100 + p]. */
async function feed(c: StreamCoordinator, n: number, parts: number): Promise<void> {
  for (let b = 0; b < n; b++) {
    await c.publish({ partitions: Array.from({ length: parts }, (_, p) => intBatch([b * 100 + p])) });
  }
  await c.complete();
}

/** The partitions an iterator delivered, in order, once its stream ends. */
async function partitionsSeen(it: StreamingIterator): Promise<number[]> {
  const parts = new Set<number>();
  for await (const e of it.entries()) parts.add(e.partition);
  return [...parts].sort();
}

test('3 consumers over 7 partitions: [0,3,6] [1,4] [2,5]', async ({ rt }) => {
  assert.equal(assignPartitions(3, 7), [[0, 3, 6], [1, 4], [2, 5]]);
  const c = StreamCoordinator.create({ runtime: rt });
  const its = createPartitionedIterators({ coordinator: c, numConsumers: 3, numPartitions: 7 });
  const seen = Promise.all(its.map(partitionsSeen));
  await feed(c, 3, 7);
  assert.equal(await seen, [[0, 3, 6], [1, 4], [2, 5]]);
});

test('a stream with more partitions than numPartitions loses none: p goes to consumer p % numConsumers', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const its = createPartitionedIterators({ coordinator: c, numConsumers: 2, numPartitions: 2 });
  const seen = Promise.all(its.map(partitionsSeen));
  await feed(c, 2, 5); // a later epoch of a file source can have more partitions than the first
  assert.equal(await seen, [[0, 2, 4], [1, 3]]);
});

test('an iterator takes a listed set of partitions or a { modulo, remainder } share; bad ones are refused', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  assert.throws(() => c.iterator({ partitions: { modulo: 2, remainder: 2 } }), /options\.partitions\.remainder must be less than modulo \(2\), got 2/);
  assert.throws(() => c.iterator({ partitions: { modulo: 0, remainder: 0 } }), /options\.partitions\.modulo must be a positive integer/);
  assert.throws(() => c.iterator({ partitions: 3 as never }), /options\.partitions must be an array of partition indexes or \{ modulo, remainder \}/);
  const share = { modulo: 2, remainder: 0 };
  const it = c.iterator({ partitions: share });
  share.remainder = 1; // the iterator keeps the share it was given
  await feed(c, 1, 4);
  assert.equal(await partitionsSeen(it), [0, 2]);
});

test('option checks name the option', ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  assert.throws(() => createPartitionedIterators({ coordinator: c, numConsumers: 0, numPartitions: 4 }), /options\.numConsumers must be a positive integer/);
  assert.throws(() => createPartitionedIterators({ coordinator: c, numConsumers: 2, numPartitions: 1.5 }), /options\.numPartitions must be a positive integer/);
});

test('worker threads process every batch once, in order, one thread per consumer', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const results: Array<{ sum: number; threadId: number; batchId: number; partition: number }> = [];
  const consumers: number[] = [];
  const run = runPartitioned<{ sum: number; threadId: number; batchId: number; partition: number }>({
    coordinator: c,
    worker: fixture('sum-worker.ts'),
    numConsumers: 2,
    numPartitions: 4,
    onResult: (r, info) => {
      results.push(r);
      consumers.push(info.consumer);
    },
  });
  await feed(c, 5, 4);
  const summary = await run;
  assert.is(summary.batches, 20);
  assert.equal(summary.perConsumer, [10, 10]);
  const sums = results.map((r) => r.sum).sort((a, b) => a - b);
  const expected = Array.from({ length: 20 }, (_, i) => Math.floor(i / 4) * 100 + (i % 4)).sort((a, b) => a - b);
  assert.equal(sums, expected);
  for (const consumer of [0, 1]) {
    const mine = results.filter((_, i) => consumers[i] === consumer);
    assert.is(new Set(mine.map((r) => r.threadId)).size, 1, 'one thread per consumer');
    assert.ok(mine.every((r) => r.partition % 2 === consumer));
    const ids = mine.map((r) => r.batchId);
    assert.equal(ids, [...ids].sort((a, b) => a - b), 'in order');
  }
  assert.is.not(results.find((r) => r.partition === 0)!.threadId, results.find((r) => r.partition === 1)!.threadId);
});

test('moving refuses a stream another consumer also reads (it would see emptied batches); copying allows it', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const audit = c.iterator({ consumerId: 'audit' });
  const moved = await runPartitioned({ coordinator: c, worker: fixture('sum-worker.ts'), numConsumers: 2, numPartitions: 2 }).then(
    () => null,
    (e: DrlsError) => e,
  );
  assert.is(moved?.code, 'DRLS_INVALID_ARGUMENT');
  assert.match(moved!.message, /options\.transfer 'move'.*1 other consumer/);
  assert.is((await c.getStats()).numConsumers, 1, 'the refused run left no consumer behind');
  const copied = runPartitioned({ coordinator: c, worker: fixture('sum-worker.ts'), numConsumers: 2, numPartitions: 2, transfer: 'copy' });
  const audited = (async () => {
    const sums: number[] = [];
    for await (const b of audit) sums.push(...(b.getChild('x')!.toArray() as Int32Array));
    return sums.sort((a, b) => a - b);
  })();
  await feed(c, 2, 2);
  assert.is((await copied).batches, 4);
  assert.equal(await audited, [0, 1, 100, 101], 'the other consumer read every value intact');
});

test('Arrow buffers are moved to the worker: the sender’s buffer is detached', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const batch = intBatch(Array.from({ length: 4096 }, (_, i) => i));
  const values = batch.getChild('x')!.data[0]!.values as Int32Array;
  assert.is(values.buffer.byteLength, 4096 * 4);
  const run = runPartitioned({ coordinator: c, worker: fixture('sum-worker.ts'), numConsumers: 1, numPartitions: 1 });
  await c.publish(batch);
  await c.complete();
  await run;
  assert.is(values.buffer.byteLength, 0, 'moved, so detached on this side');
});

test('copy mode leaves the sender’s buffer intact; pack/unpack round-trips values', () => {
  const batch = intBatch([1, 2, 3]);
  const { packet, transferList } = packBatches([batch], 'copy');
  const [back] = unpackBatches(structuredClone(packet, { transfer: transferList }));
  assert.equal(xs([back!]), [1, 2, 3]);
  assert.equal(xs([batch]), [1, 2, 3]);
});

test('a throwing worker surfaces with its batch id and partition; nothing hangs', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const run = runPartitioned({ coordinator: c, worker: fixture('throwing-worker.ts'), numConsumers: 2, numPartitions: 2 });
  const fed = feed(c, 6, 2).catch(() => undefined);
  await run.then(
    () => assert.unreachable(),
    (err: DrlsError) => {
      assert.instance(err, WorkerFailedError);
      assert.is(err.code, 'DRLS_WORKER_FAILED');
      assert.is((err as WorkerFailedError).batchId, 2);
      assert.is((err as WorkerFailedError).partition, 1);
      assert.match(err.message, 'bad row in batch');
    },
  );
  c.stop();
  await fed;
});

test('a worker thread that dies is an error too', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const run = runPartitioned({ coordinator: c, worker: fixture('exiting-worker.ts'), numConsumers: 1, numPartitions: 1 });
  await feed(c, 1, 1);
  await run.then(() => assert.unreachable(), (err: DrlsError) => assert.is(err.code, 'DRLS_WORKER_FAILED'));
});

test.run();
