import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tableFromArrays } from 'apache-arrow';
import { ActorRuntime } from '../../runtime/index.js';
import { StreamCoordinator } from '../../actors/index.js';
import { publishReserved, releaseReserved, reserve } from '../../actors/stream-coordinator.js';
import { batchOf } from '../support/pull.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait.js';
import type { DrlsError } from '../../runtime/base/index.js';
import { bytesBatch, intBatch, turn, xs } from '../support/arrow.js';

const test = suite<{ rt: ActorRuntime; n: number }>('stream coordinator');
test.before.each((ctx) => {
  ctx.rt = new ActorRuntime();
});
test.after.each((ctx) => ctx.rt.shutdown());

const code = (expected: string) => (err: DrlsError) => assert.is(err.code, expected);
const settledState = async (p: Promise<unknown>): Promise<'pending' | 'settled'> => {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  // Let every queued actor message run before looking.
  for (let i = 0; i < 5; i++) await turn();
  return done ? 'settled' : 'pending';
};

test('named stream_coord_<id>, found again with get(); unknown ids are typed errors', ({ rt }) => {
  const c = StreamCoordinator.create({ streamId: 's1', runtime: rt });
  assert.is(c.actorName, 'stream_coord_s1');
  assert.ok(rt.has('stream_coord_s1'));
  assert.is(StreamCoordinator.get('s1', { runtime: rt }).streamId, 's1');
  assert.throws(() => StreamCoordinator.get('nope', { runtime: rt }), (e: DrlsError) => e.code === 'DRLS_UNKNOWN_STREAM');
  assert.throws(() => StreamCoordinator.create({ streamId: 's1', runtime: rt }), (e: DrlsError) => e.code === 'DRLS_ACTOR_EXISTS');
  assert.is(StreamCoordinator.getOrCreate({ streamId: 's1', runtime: rt }).actorName, 'stream_coord_s1');
});

test('limits that are not positive numbers are refused, naming the option', ({ rt }) => {
  assert.throws(() => StreamCoordinator.create({ maxBufferedBatches: 0, runtime: rt }), /options\.maxBufferedBatches must be a positive integer, got 0/);
  assert.throws(() => StreamCoordinator.create({ maxBufferedBytes: -5, runtime: rt }), /options\.maxBufferedBytes must be a positive number, got -5/);
  assert.throws(() => StreamCoordinator.create({ maxBufferedBatches: 'a' as never, runtime: rt }), /maxBufferedBatches/);
});

test('a batch that is not Arrow is refused at the edge', ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  assert.throws(() => c.publish({ x: [1] } as never), (e: DrlsError) => e.code === 'DRLS_INVALID_ARGUMENT' && /data must be an apache-arrow RecordBatch or Table/.test(e.message));
  assert.throws(() => c.publish({ partitions: [intBatch([1]), 'x' as never] }), /partitions\[1\]/);
});

test('backpressure on batches: a publish stays pending while full, resolves after one pull', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBatches: 2, runtime: rt });
  const { consumerId } = await (async () => {
    const reg = c.register({ consumerId: 'a' });
    await c.publish(intBatch([1]));
    return reg;
  })();
  await c.publish(intBatch([2]));
  const third = c.publish(intBatch([3]));
  assert.is(await settledState(third), 'pending');
  const stats = await c.getStats();
  assert.is(stats.bufferSize, 2);
  assert.is(stats.pendingPublishes, 1);
  const first = await c.pull(consumerId);
  assert.is(first.kind, 'batch');
  assert.is(await third, 2);
});

test('backpressure on bytes; one oversized batch may enter an empty buffer', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBytes: 1000, runtime: rt });
  const reg = c.register({ consumerId: 'a' });
  assert.is(await c.publish(bytesBatch(4000)), 0); // oversized, buffer empty: accepted
  const second = c.publish(bytesBatch(10));
  assert.is(await settledState(second), 'pending');
  assert.ok((await c.getStats()).bufferedBytes >= 4000);
  await reg;
  await c.pull('a');
  assert.is(await second, 1);
});

test('GC: a batch is collected once every consumer has passed it', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const a = c.register({ consumerId: 'a' });
  const b = c.register({ consumerId: 'b' });
  await c.publish(intBatch([1]));
  await c.publish(intBatch([2]));
  await Promise.all([a, b]);
  await c.pull('a');
  await c.pull('a');
  let s = await c.getStats();
  assert.is(s.batchesGc, 0);
  assert.equal(s.consumerCursors, { a: 2, b: 0 });
  await c.pull('b');
  s = await c.getStats();
  assert.is(s.batchesGc, 1);
  assert.is(s.bufferSize, 1);
});

test('fan-out: every consumer sees every batch, in order', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const its = [c, c, c].map((co, i) => co.iterator({ consumerId: `c${i}` }));
  const seen = its.map(async (it) => xs(await collect(it)));
  for (let i = 0; i < 5; i++) await c.publish(intBatch([i]));
  await c.complete();
  for (const s of await Promise.all(seen)) assert.equal(s, [0, 1, 2, 3, 4]);
});

test('partition routing: consumers restricted to partitions receive only those entries', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const it = c.iterator({ partitions: [0, 2] });
  const got = (async () => {
    const out: Array<[number, number[]]> = [];
    for await (const e of it.entries()) out.push([e.partition, xs([e.batch])]);
    return out;
  })();
  await c.publish({ partitions: [intBatch([0]), intBatch([1]), intBatch([2])] });
  await c.publish({ partitions: [[], intBatch([11]), []] }); // nothing for this consumer
  await c.publish({ partitions: [intBatch([20]), intBatch([21]), intBatch([22])] });
  await c.complete();
  assert.equal(await got, [[0, [0]], [2, [2]], [0, [20]], [2, [22]]]);
  assert.is(it.lastBatchId, 2);
});

test('a partition index out of range is a typed error at registration', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const reg = c.register({ partitions: [5] });
  await c.publish({ partitions: [intBatch([0]), intBatch([1])] });
  await reg.then(() => assert.unreachable(), (e: DrlsError) => {
    assert.is(e.code, 'DRLS_INVALID_ARGUMENT');
    assert.match(e.message, 'partition 5 is out of range');
  });
  assert.throws(() => c.register({ partitions: [-1] }), /options\.partitions\[0\] must be a non-negative integer/);
});

test('register waits for the first batch (or the end) and returns the schema', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const reg = c.register();
  assert.is(await settledState(reg), 'pending');
  await c.publish(intBatch([1]));
  const r = await reg;
  assert.equal(r.schema!.fields.map((f) => f.name), ['x']);
  const empty = StreamCoordinator.create({ runtime: rt });
  const reg2 = empty.register();
  await empty.complete();
  assert.is((await reg2).schema, null);
});

test('resume from a batch id; one already collected is a typed error', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const a = c.register({ consumerId: 'a' });
  for (let i = 0; i < 4; i++) await c.publish(intBatch([i]));
  await a;
  await c.pull('a');
  await c.pull('a'); // batches 0 and 1 collected
  const late = c.iterator({ startBatchId: 2 });
  await c.complete();
  const rest = (async () => xs(await collect(late)))();
  await c.unregister('a');
  assert.equal(await rest, [2, 3]);
  await c.register({ startBatchId: 0 }).then(() => assert.unreachable(), code('DRLS_BATCH_COLLECTED'));
});

test('a batch with another schema is a typed error and is not buffered', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  await c.publish(intBatch([1]));
  const other = tableFromArrays({ y: Float64Array.from([1]) });
  await c.publish(other).then(() => assert.unreachable(), code('DRLS_SCHEMA_MISMATCH'));
  assert.is((await c.getStats()).bufferSize, 1);
});

test('pullMany takes several batches; they count against the limits until the next pull', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBatches: 3, runtime: rt });
  const reg = c.register({ consumerId: 'a' });
  for (let i = 0; i < 3; i++) await c.publish(intBatch([i]));
  await reg;
  const got = await c.pullMany('a', { maxBatches: 10 });
  assert.is(got.kind, 'batches');
  assert.equal(got.kind === 'batches' ? got.batches.map((b) => b.batchId) : [], [0, 1, 2]);
  const blocked = c.publish(intBatch([3]));
  assert.is(await settledState(blocked), 'pending');
  assert.is((await c.getStats()).bufferSize, 3);
  const next = c.pullMany('a', { maxBatches: 10 });
  assert.is(await blocked, 3);
  const more = await next;
  assert.equal(more.kind === 'batches' ? more.batches.map((b) => b.batchId) : [], [3]);
  assert.throws(() => c.pullMany('a', { maxBatches: 0 }), /options\.maxBatches must be a positive integer/);
});

test('pullMany with maxBytes: large batches come one at a time, never none', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const reg = c.register({ consumerId: 'a' });
  for (let i = 0; i < 4; i++) await c.publish(bytesBatch(1000));
  await reg;
  const ids = (r: Awaited<ReturnType<typeof c.pullMany>>) => (r.kind === 'batches' ? r.batches.map((b) => b.batchId) : r.kind);
  assert.equal(ids(await c.pullMany('a', { maxBatches: 16, maxBytes: 500 })), [0]);
  assert.equal(ids(await c.pullMany('a', { maxBatches: 16, maxBytes: 2500 })), [1, 2]);
  assert.equal(ids(await c.pullMany('a', { maxBatches: 16 })), [3]);
  assert.throws(() => c.pullMany('a', { maxBatches: 1, maxBytes: 0 }), /options\.maxBytes must be a positive number, got 0/);
});

test('reserve: room for staged data is pending while full and counted until published', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBytes: 1000, runtime: rt });
  const reg = c.register({ consumerId: 'a' });
  await reserve(c, 1000); // empty buffer: granted
  // Nothing is published yet: an epoch being staged may outgrow the limit (else it could never commit).
  await reserve(c, 400);
  assert.is((await c.getStats()).reservedBytes, 1400);
  await publishReserved(c, { partitions: [bytesBatch(1400)] }, 1400);
  await reg;
  const next = reserve(c, 100);
  assert.is(await settledState(next), 'pending'); // the 1400 bytes are now buffered
  assert.is((await c.getStats()).reservedBytes, 0);
  await c.pull('a');
  await next;
  await releaseReserved(c, 100);
  assert.is((await c.getStats()).reservedBytes, 0);
});

/** A coordinator on a hand-driven clock, with consumer 'a' registered and one batch published. */
async function onManualClock(): Promise<{ clock: ManualClock; rt: ActorRuntime; c: StreamCoordinator }> {
  const clock = new ManualClock();
  const rt = new ActorRuntime({ clock });
  const c = StreamCoordinator.create({ runtime: rt });
  const reg = c.register({ consumerId: 'a' });
  await c.publish(intBatch([1]));
  await reg;
  return { clock, rt, c };
}

test('pull with a timeout answers timeout when the clock passes it, then the batch once it comes', async () => {
  const { clock, rt, c } = await onManualClock();
  await c.pull('a');
  const timed = c.pull('a', { timeoutMs: 60_000 });
  await waitFor(() => clock.pending === 1);
  assert.is(await settledState(timed), 'pending', 'no real time makes it time out');
  clock.advance(60_000);
  assert.equal(await timed, { kind: 'timeout' });
  const next = c.pull('a', { timeoutMs: 10_000 });
  await c.publish(intBatch([2]));
  assert.is((await next).kind, 'batch');
  await c.complete();
  assert.equal(await c.pull('a'), { kind: 'end' });
  assert.is(clock.pending, 0, 'an answered pull leaves no timer behind');
  rt.shutdown();
});

test('wait-for-drain resolves when consumers took everything, times out otherwise', async () => {
  const { clock, rt, c } = await onManualClock();
  const timed = c.waitForDrain({ timeoutMs: 20 });
  await waitFor(() => clock.pending === 1);
  clock.advance(20);
  await timed.then(() => assert.unreachable(), code('DRLS_TIMEOUT'));
  const drained = c.waitForDrain();
  await c.pull('a');
  await drained;
  rt.shutdown();
});

test('failure reaches a pending producer and a waiting consumer at once', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBatches: 1, runtime: rt });
  const reg = c.register({ consumerId: 'a' });
  await c.publish(intBatch([1]));
  await reg;
  await c.pull('a');
  const waiting = c.pull('a');
  await c.publish(intBatch([2]));
  // batch 2 went to the waiting pull; fill the buffer again so a publish blocks.
  await waiting;
  const reg2 = c.register({ consumerId: 'slow' });
  await c.publish(intBatch([3]));
  await reg2;
  const blocked = c.publish(intBatch([4]));
  const consumerWaiting = c.pull('a').then(() => c.pull('a'));
  assert.is(await settledState(blocked), 'pending');
  await c.fail(new Error('spark query died'));
  await blocked.then(() => assert.unreachable(), (e: DrlsError) => {
    assert.is(e.code, 'DRLS_STREAM_FAILED');
    assert.match(e.message, 'spark query died');
  });
  await consumerWaiting.then(() => assert.unreachable(), code('DRLS_STREAM_FAILED'));
  const s = await c.getStats();
  assert.ok(s.complete);
  assert.match(s.error!, 'spark query died');
});

test('a producer blocked with no consumer registered shows in the stats', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBatches: 1, runtime: rt });
  await c.publish(intBatch([1]));
  const blocked = c.publish(intBatch([2]));
  assert.is(await settledState(blocked), 'pending');
  const s = await c.getStats();
  assert.ok(s.waitingForConsumers);
  assert.is(s.pendingPublishes, 1);
  const it = c.iterator();
  assert.equal(xs(batchOf(await it.pull()).partitions[0]!.batches), [1]);
  // An iterator takes batches several at a time and frees them when it asks for more.
  const next = it.pull();
  assert.is(await blocked, 1);
  assert.equal(xs(batchOf(await next).partitions[0]!.batches), [2]);
  await it.close();
});

test('iterator prefetchBytes: a large batch is freed as soon as the next one is asked for', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBatches: 3, runtime: rt });
  const it = c.iterator({ prefetchBytes: 500 });
  for (let i = 0; i < 3; i++) await c.publish(bytesBatch(1000, i));
  const fourth = c.publish(bytesBatch(1000, 3));
  assert.equal(batchOf(await it.pull()).batchId, 0);
  assert.is(await settledState(fourth), 'pending');
  assert.equal(batchOf(await it.pull()).batchId, 1);
  assert.is(await fourth, 3);
  await it.close();
  assert.throws(() => c.iterator({ prefetchBytes: -1 }), /options\.prefetchBytes must be a positive number, got -1/);
});

test('reverse-path extras: latest id, fetch by id, acknowledge, watermark, stats keys', async ({ rt }) => {
  const c = StreamCoordinator.create({ streamId: 'rev', runtime: rt });
  assert.is(await c.latestBatchId(), -1);
  const reader = c.register({ consumerId: 'spark-reader' });
  await c.publish(intBatch([1]), { watermark: 100 });
  await c.publish(intBatch([2]), { watermark: 200 });
  await reader;
  assert.is(await c.latestBatchId(), 1);
  const [b1] = await c.fetchBatches([1]);
  assert.equal(xs(b1!.partitions[0]!.batches), [2]);
  await c.acknowledge('spark-reader', 0);
  await c.fetchBatches([0]).then(() => assert.unreachable(), code('DRLS_BATCH_COLLECTED'));
  assert.is(await c.latestWatermark(), 200);
  const s = await c.getStats();
  for (const key of ['streamId', 'batchesPublished', 'batchesGc', 'bufferSize', 'maxBuffered', 'bufferedBytes', 'maxBufferedBytes', 'numConsumers', 'consumerCursors', 'complete', 'error', 'latestWatermark', 'rowsPublished', 'bytesPublished']) {
    assert.ok(key in s, key);
  }
  assert.is(s.rowsPublished, 2);
  assert.is(s.batchesPublished, 2);
});

test('publishing after complete is a typed error; removing the coordinator frees its name', async ({ rt }) => {
  const c = StreamCoordinator.create({ streamId: 'x', runtime: rt });
  await c.complete();
  await c.publish(intBatch([1])).then(() => assert.unreachable(), code('DRLS_STREAM_CLOSED'));
  const reg = c.register();
  c.stop();
  await reg.then(() => assert.unreachable(), code('DRLS_ACTOR_STOPPED')).catch(() => undefined);
  assert.not.ok(rt.has('stream_coord_x'));
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('closing an iterator refused as a duplicate consumerId leaves the consumer that holds the id', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const first = c.iterator({ consumerId: 'a' });
  const second = c.iterator({ consumerId: 'a' });
  await second.close(); // at once, before its refusal has come back
  await c.publish(intBatch([7]));
  await c.complete();
  const got = [];
  for await (const b of first) got.push(b);
  assert.equal(xs(got), [7], 'the first consumer still reads its stream');
});

test.run();
