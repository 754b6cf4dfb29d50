import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Table, tableToIPC } from 'apache-arrow';
import { ActorRuntime } from '../../../runtime/index.js';
import { StreamCoordinator } from '../../../streaming.js';
import { CoordinatorSink } from '../../../bridge/streaming/coordinator-sink.js';
import { MemoryEpochLedger } from '../../../bridge/endpoint/index.js';
import type { DrlsError } from '../../../runtime/base/index.js';
import { intBatch, xs } from '../../support/arrow.js';

const test = suite<{ rt: ActorRuntime }>('CoordinatorSink (the forward path’s staging)');
test.before.each((ctx) => {
  ctx.rt = new ActorRuntime();
});
test.after.each((ctx) => ctx.rt.shutdown());

const ipc = (values: number[]): Uint8Array => tableToIPC(new Table([intBatch(values)]), 'stream');

test('a commit whose batch count differs from what was staged is refused, and the epoch stays staged', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const sink = new CoordinatorSink(c);
  for (const v of [1, 2, 3]) await sink.stage(0, 0, 41, ipc([v]));
  const err = await sink.commitEpoch(0, [{ partition: 0, attempt: 41, rows: 3, batches: 2 }]).then(
    () => null,
    (e: DrlsError) => e,
  );
  assert.is(err?.code, 'DRLS_PROTOCOL_ERROR');
  assert.match(err!.message, 'names 2 batches for partition 0 (attempt 41), but 3 were staged');
  const ok = await sink.commitEpoch(0, [{ partition: 0, attempt: 41, rows: 3, batches: 3 }]);
  assert.equal(ok, { duplicate: false, batchId: 0 });
  const it = c.iterator();
  await c.complete();
  const got = [];
  for await (const b of it) got.push(b);
  assert.equal(xs(got), [1, 2, 3]);
});

test('data arriving for an epoch already committed is dropped, and holds no room', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const sink = new CoordinatorSink(c);
  await sink.stage(0, 0, 7, ipc([1]));
  await sink.commitEpoch(0, [{ partition: 0, attempt: 7, rows: 1, batches: 1 }]);
  await sink.stage(0, 0, 8, ipc([2])); // a late (speculative or zombie) attempt of epoch 0
  const stats = await c.getStats();
  assert.is(stats.reservedBytes, 0);
  assert.is(stats.batchesPublished, 1);
});

test('a payload framed like an Arrow stream but holding no record batch is refused, and holds no room', async ({ rt }) => {
  const c = StreamCoordinator.create({ runtime: rt });
  const sink = new CoordinatorSink(c);
  // A first marker, 8 bytes of something, and an end-of-stream marker: Arrow JS reads it as an empty table.
  const framed = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  const err = await sink.stage(0, 0, 1, framed).then(() => null, (e: DrlsError) => e);
  assert.is(err?.code, 'DRLS_PROTOCOL_ERROR');
  assert.is((await c.getStats()).reservedBytes, 0);
});

test('an epoch the stream refuses to publish is not recorded as delivered, so its replay is delivered', async ({ rt }) => {
  const ledger = new MemoryEpochLedger();
  const first = StreamCoordinator.create({ streamId: 'refused', runtime: rt });
  const sink = new CoordinatorSink(first, ledger);
  await sink.stage(0, 0, 1, ipc([1]));
  await first.complete(); // the stream was stopped while Spark's commit was on its way
  const err = await sink.commitEpoch(0, [{ partition: 0, attempt: 1, rows: 1, batches: 1 }]).then(() => null, (e: DrlsError) => e);
  assert.is(err?.code, 'DRLS_STREAM_CLOSED');
  assert.is(ledger.lastCommitted, -1, 'nothing was delivered');
  // The query restarted on its checkpoint replays epoch 0 into a new stream with the same ledger.
  first.stop();
  const second = StreamCoordinator.create({ streamId: 'refused', runtime: rt });
  const replay = new CoordinatorSink(second, ledger);
  await replay.stage(0, 0, 2, ipc([1]));
  assert.equal(await replay.commitEpoch(0, [{ partition: 0, attempt: 2, rows: 1, batches: 1 }]), { duplicate: false, batchId: 0 });
  assert.is(ledger.lastCommitted, 0);
});

test.run();
