import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tableFromArrays, tableToIPC, type RecordBatch } from 'apache-arrow';
import { ActorRuntime } from '../../../runtime/index.js';
import { payloadPool } from '../../../runtime/base/index.js';
import { StreamCoordinator } from '../../../streaming.js';
import { CoordinatorSink } from '../../../bridge/streaming/coordinator-sink.js';
import { FrameType } from '../../../bridge/endpoint/index.js';
import { TestClient, startEndpoint } from '../endpoint/helpers.js';
import { collectGarbage } from '../../support/gc.js';

// Wire payloads live in pooled memory that is reused once V8 has collected every reference
// to it. Whatever a consumer keeps must never change, however much arrives after it.

const test = suite('batches a consumer holds, with payload memory reused around them');

const BATCHES_PER_EPOCH = 5;

const valueAt = (batch: number, row: number): number => (batch * 7919 + row * 13) | 0;

function batchIpc(batch: number, rows: number): Uint8Array {
  const x = Int32Array.from({ length: rows }, (_, row) => valueAt(batch, row));
  return tableToIPC(tableFromArrays({ id: new Int32Array(rows).fill(batch), x, tag: new Int32Array(rows).fill(-batch) }), 'stream');
}

/** Null when `batch` still holds exactly batch `id` as it was sent. */
function unchanged({ batch, id }: { batch: RecordBatch; id: number }): string | null {
  const x = batch.getChild('x')!.toArray() as Int32Array;
  const ids = batch.getChild('id')!.toArray() as Int32Array;
  const tags = batch.getChild('tag')!.toArray() as Int32Array;
  for (let row = 0; row < batch.numRows; row++) {
    if (x[row] !== valueAt(id, row) || ids[row] !== id || tags[row] !== -id) return `batch ${id} changed at row ${row}`;
  }
  return null;
}

/** Sends every epoch the way the connector does: one write connection per epoch, then its commit. */
async function produce(port: number, secret: string, payloads: Uint8Array[], rows: number): Promise<void> {
  const { client: committer } = await TestClient.hello(port, { role: 'commit', streamId: 'held', secret });
  for (let epoch = 0; epoch * BATCHES_PER_EPOCH < payloads.length; epoch++) {
    const { client } = await TestClient.hello(port, { role: 'write', streamId: 'held', secret, epoch, partition: 0, attempt: 0 });
    for (let b = 0; b < BATCHES_PER_EPOCH; b++) client.send(FrameType.DATA, payloads[epoch * BATCHES_PER_EPOCH + b]!);
    client.sendJson(FrameType.END, { batches: BATCHES_PER_EPOCH, rows: rows * BATCHES_PER_EPOCH });
    assert.is((await client.readJson()).type, FrameType.OK);
    client.end();
    committer.sendJson(FrameType.COMMIT, { epoch, partitions: [{ partition: 0, attempt: 0, rows: rows * BATCHES_PER_EPOCH, batches: BATCHES_PER_EPOCH }] });
    assert.is((await committer.readJson()).type, FrameType.OK);
  }
  committer.end();
}

/**
 * `count` batches of `rows` rows through a real endpoint, sink, coordinator and iterator; the
 * consumer keeps those `keep` picks and drops the rest at once, collecting now and then, and
 * checks every kept value along the way and at the end.
 */
async function holdAcrossPulls(rows: number, count: number, keep: (id: number) => boolean): Promise<void> {
  const rt = new ActorRuntime();
  const { endpoint } = await startEndpoint();
  try {
    const coordinator = StreamCoordinator.create({ streamId: 'held', runtime: rt });
    const reg = endpoint.register('held', { sink: new CoordinatorSink(coordinator) });
    const payloads = Array.from({ length: count }, (_, i) => batchIpc(i, rows));
    const before = payloadPool.stats();
    const produced = produce(endpoint.port, reg.secret, payloads, rows).then(() => coordinator.complete());

    const held: { batch: RecordBatch; id: number }[] = [];
    let pulled = 0;
    for await (const batch of coordinator.iterator()) {
      const id = pulled++; // one partition, so batches arrive in the order sent
      if (keep(id)) held.push({ batch, id });
      if (pulled % 25 === 0) {
        await collectGarbage(); // dropped payloads' memory goes back to the pool, to be filled again
        for (const h of held) assert.is(unchanged(h), null);
      }
    }
    await produced;
    assert.is(pulled, count);
    const after = payloadPool.stats();
    assert.ok(after.reused - before.reused >= 5, `payload memory was reused meanwhile (${before.reused} -> ${after.reused})`);
    for (const h of held) assert.is(unchanged(h), null);
    assert.is(held.length, Array.from({ length: count }, (_, i) => i).filter(keep).length);
  } finally {
    await endpoint.close();
    await rt.shutdown();
  }
}

test('large batches (a slab each), one in three held: every held value stays as it arrived', async () => {
  await holdAcrossPulls(20_000, 200, (id) => id % 3 === 2);
});

test('small batches (cut from shared slabs), the first 40 and a few later held: every held value stays as it arrived', async () => {
  await holdAcrossPulls(1_000, 1_500, (id) => id < 40 || id % 500 === 0);
});

test.run();
