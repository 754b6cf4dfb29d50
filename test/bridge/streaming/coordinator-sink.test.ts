import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Table, tableToIPC } from 'apache-arrow';
import { ActorRuntime } from '../../../runtime/index.js';
import { StreamCoordinator } from '../../../streaming.js';
import { CoordinatorSink } from '../../../bridge/streaming/coordinator-sink.js';
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

test.run();
