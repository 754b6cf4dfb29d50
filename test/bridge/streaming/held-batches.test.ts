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

const ROWS = 20_000; // 80 KB of int32 a batch: each payload in a pooled slab of its own
const EPOCHS = 40;
const BATCHES_PER_EPOCH = 5;

const valueAt = (batch: number, row: number): number => (batch * 7919 + row * 13) | 0;

function batchIpc(batch: number): Uint8Array {
  const x = Int32Array.from({ length: ROWS }, (_, row) => valueAt(batch, row));
  return tableToIPC(tableFromArrays({ id: new Int32Array(ROWS).fill(batch), x, tag: new Int32Array(ROWS).fill(-batch) }), 'stream');
}

/** Null when `batch` still holds exactly batch `id` as it was sent. */
function unchanged({ batch, id }: { batch: RecordBatch; id: number }): string | null {
  const x = batch.getChild('x')!.toArray() as Int32Array;
  const ids = batch.getChild('id')!.toArray() as Int32Array;
  const tags = batch.getChild('tag')!.toArray() as Int32Array;
  for (let row = 0; row < ROWS; row++) {
    if (x[row] !== valueAt(id, row) || ids[row] !== id || tags[row] !== -id) return `batch ${id} changed at row ${row}`;
  }
  return null;
}

/** Sends every epoch the way the connector does: one write connection per epoch, then its commit. */
async function produce(port: number, secret: string, payloads: Uint8Array[]): Promise<void> {
  const { client: committer } = await TestClient.hello(port, { role: 'commit', streamId: 'held', secret });
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const { client } = await TestClient.hello(port, { role: 'write', streamId: 'held', secret, epoch, partition: 0, attempt: 0 });
    for (let b = 0; b < BATCHES_PER_EPOCH; b++) client.send(FrameType.DATA, payloads[epoch * BATCHES_PER_EPOCH + b]!);
    client.sendJson(FrameType.END, { batches: BATCHES_PER_EPOCH, rows: ROWS * BATCHES_PER_EPOCH });
    assert.is((await client.readJson()).type, FrameType.OK);
    client.end();
    committer.sendJson(FrameType.COMMIT, { epoch, partitions: [{ partition: 0, attempt: 0, rows: ROWS * BATCHES_PER_EPOCH, batches: BATCHES_PER_EPOCH }] });
    assert.is((await committer.readJson()).type, FrameType.OK);
  }
  committer.end();
}

test('every value of every batch held across many pulls stays as it arrived', async () => {
  const rt = new ActorRuntime();
  const { endpoint } = await startEndpoint();
  try {
    const coordinator = StreamCoordinator.create({ streamId: 'held', runtime: rt });
    const reg = endpoint.register('held', { sink: new CoordinatorSink(coordinator) });
    const payloads = Array.from({ length: EPOCHS * BATCHES_PER_EPOCH }, (_, i) => batchIpc(i));
    const before = payloadPool.stats();
    const produced = produce(endpoint.port, reg.secret, payloads).then(() => coordinator.complete());

    const held: { batch: RecordBatch; id: number }[] = [];
    let pulled = 0;
    for await (const batch of coordinator.iterator()) {
      const id = pulled++; // one partition, so batches arrive in the order sent
      if (pulled % 3 === 0) held.push({ batch, id }); // one in three is kept; the rest are dropped at once
      if (pulled % 10 === 0) {
        await collectGarbage(); // dropped payloads' memory goes back to the pool, to be filled again
        for (const h of held) assert.is(unchanged(h), null);
      }
    }
    await produced;
    assert.is(pulled, EPOCHS * BATCHES_PER_EPOCH);
    const after = payloadPool.stats();
    assert.ok(after.reused - before.reused >= 20, `payload memory was reused meanwhile (${before.reused} -> ${after.reused})`);
    for (const h of held) assert.is(unchanged(h), null);
    assert.is(held.length, Math.floor(pulled / 3));
  } finally {
    await endpoint.close();
    await rt.shutdown();
  }
});

test.run();
