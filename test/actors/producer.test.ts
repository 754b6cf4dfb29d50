import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tableFromArrays } from 'apache-arrow';
import { ActorRuntime } from '../../runtime/index.js';
import { Producer, StreamCoordinator } from '../../streaming.js';
import type { DrlsError } from '../../runtime/base/index.js';
import { intBatch, turn, xs } from '../support/arrow.js';
import { batchOf } from '../support/pull.js';

const test = suite<{ rt: ActorRuntime }>('producer and iterator');
test.before.each((ctx) => {
  ctx.rt = new ActorRuntime();
});
test.after.each((ctx) => ctx.rt.shutdown());

async function drain(c: StreamCoordinator): Promise<number[]> {
  const out = [];
  for await (const b of c.iterator()) out.push(b);
  return xs(out);
}

test('drains an async generator of tables into the stream, with backpressure, then completes it', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBatches: 2, runtime: rt });
  async function* source() {
    for (let i = 0; i < 10; i++) yield tableFromArrays({ x: Int32Array.from([i]) });
  }
  const got = drain(c);
  const p = Producer.start(source(), c, { runtime: rt });
  await p.done;
  assert.equal(await got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok((await c.getStats()).complete);
});

test('a function source ends at null; a plain iterable of record batches works too', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  let n = 0;
  const got = drain(c);
  await Producer.start(() => (n < 3 ? intBatch([n++]) : null), c, { runtime: rt }).done;
  assert.equal(await got, [0, 1, 2]);
  const c2 = StreamCoordinator.create({ runtime: rt });
  const got2 = drain(c2);
  await Producer.start([intBatch([7]), intBatch([8])], c2, { runtime: rt, name: 'p2' }).done;
  assert.equal(await got2, [7, 8]);
});

test('a throwing source fails the stream with its error; the consumer loop throws it', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  async function* source() {
    yield intBatch([1]);
    throw new Error('source broke');
  }
  const seen: number[] = [];
  const consumer = (async () => {
    for await (const b of c.iterator()) seen.push(...xs([b]));
  })();
  const p = Producer.start(source(), c, { runtime: rt });
  await p.done.then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'source broke'));
  await consumer.then(() => assert.unreachable(), (e: DrlsError) => {
    assert.is(e.code, 'DRLS_STREAM_FAILED');
    assert.match(e.message, 'source broke');
  });
  assert.equal(seen, [1]);
  assert.is((await p.status()).error?.message, 'source broke');
});

test('a source that yields something other than Arrow fails with a typed error naming it', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const p = Producer.start([{ x: 1 } as never], c, { runtime: rt });
  await p.done.then(() => assert.unreachable(), (e: DrlsError) => {
    assert.is(e.code, 'DRLS_INVALID_ARGUMENT');
    assert.match(e.message, 'not an Arrow Table or RecordBatch');
  });
  assert.throws(() => Producer.start(42 as never, c, { runtime: rt }), /source must be an async iterable/);
});

test('break out of for-await deregisters the consumer', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  for (let i = 0; i < 3; i++) await c.publish(intBatch([i]));
  const it = c.iterator();
  for await (const b of it) {
    assert.equal(xs([b]), [0]);
    break;
  }
  assert.is(it.lastBatchId, 0);
  const s = await c.getStats();
  assert.is(s.numConsumers, 0);
});

test('stop() stops reading the source and completes the stream', async ({ rt }) => {
  const c = StreamCoordinator.create({ maxBufferedBatches: 1, runtime: rt });
  let produced = 0;
  const p = Producer.start(() => intBatch([produced++]), c, { runtime: rt });
  const it = c.iterator();
  await it.pull();
  await p.stop();
  const s = await c.getStats();
  assert.ok(s.complete);
  assert.not.ok((await p.status()).running);
  await it.close();
});

test('stop() does not wait for an async source idle on its own input', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  let release!: () => void;
  const idle = new Promise<void>((resolve) => (release = resolve));
  let finished = false;
  async function* source() {
    try {
      yield intBatch([1]);
      await idle; // e.g. a queue nobody writes to any more
      yield intBatch([2]);
    } finally {
      finished = true;
    }
  }
  const p = Producer.start(source(), c, { runtime: rt });
  const it = c.iterator();
  assert.equal(xs(batchOf(await it.pull()).partitions.flatMap((e) => e.batches)), [1]);
  await p.stop(); // resolves although the source is still waiting
  assert.ok((await c.getStats()).complete);
  assert.is((await it.pull()).kind, 'end', 'what the source yields after stop() is not published');
  release();
  await turn();
  assert.ok(finished, 'the source was closed once it yielded');
});

test('stop() after the source ended by itself resolves', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const p = Producer.start([intBatch([1])], c, { runtime: rt });
  await p.done;
  await p.stop();
  await p.stop();
  assert.ok((await c.getStats()).complete);
});

test.run();
