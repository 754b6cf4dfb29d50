import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { PayloadPool, payloadPool } from '../../runtime/base/index.js';
import { packBatches, unpackBatches } from '../../workers/arrow-transfer.js';

/** A batch decoded from wire-payload memory, as the forward path delivers it (large: a slab of its own). */
function pooledBatch(values: number[], rows = 30_000) {
  const x = Int32Array.from({ length: Math.max(rows, values.length) }, (_, i) => values[i] ?? 0);
  const ipc = tableToIPC(tableFromArrays({ x }), 'stream');
  const payload = payloadPool.take(ipc.byteLength);
  payload.set(ipc);
  return tableFromIPC(payload).batches[0]!;
}

test('moving a batch in pooled memory shares it (the pool then never hands that memory out again)', () => {
  const batch = pooledBatch([1, 2, 3]);
  const memory = (batch.getChild('x')!.data[0]!.values as Int32Array).buffer;
  assert.ok(memory instanceof SharedArrayBuffer && payloadPool.owns(memory));
  const { packet, transferList } = packBatches([batch], 'move');
  assert.not.ok((transferList as ArrayBufferLike[]).includes(memory), 'shared memory is posted, not transferred');
  assert.ok(packet.buffers.includes(memory));
  assert.equal([...unpackBatches(packet)[0]!.getChild('x')!].slice(0, 3), [1, 2, 3]);
});

test('moving a small batch in pooled memory copies it: its slab holds other payloads and stays pooled', () => {
  const batch = pooledBatch([7, 8], 2);
  const memory = (batch.getChild('x')!.data[0]!.values as Int32Array).buffer;
  assert.ok(payloadPool.owns(memory));
  const { packet } = packBatches([batch], 'move');
  assert.not.ok(packet.buffers.includes(memory));
  assert.ok(packet.buffers.every((b) => !(b instanceof SharedArrayBuffer)));
  assert.equal([...unpackBatches(packet)[0]!.getChild('x')!], [7, 8]);
});

test('copying a batch in pooled memory copies its bytes: nothing pooled leaves the thread', () => {
  const batch = pooledBatch([4, 5]);
  const { packet, transferList } = packBatches([batch], 'copy');
  assert.ok(packet.buffers.every((b) => !(b instanceof SharedArrayBuffer)));
  assert.is(transferList.length, packet.buffers.length, 'every buffer is a copy of its own, moved');
  assert.equal([...unpackBatches(packet)[0]!.getChild('x')!].slice(0, 2), [4, 5]);
});

test('a batch in shared memory that is not the pool’s (a spent pool’s spill-over): move shares it, copy copies it', () => {
  const ipc = tableToIPC(tableFromArrays({ x: Int32Array.from({ length: 30_000 }, (_, i) => i) }), 'stream');
  const own = new Uint8Array(new SharedArrayBuffer(ipc.byteLength));
  own.set(ipc);
  const batch = tableFromIPC(own).batches[0]!;
  assert.not.ok(payloadPool.owns(own.buffer));
  assert.ok(packBatches([batch], 'move').packet.buffers.includes(own.buffer), 'moved: shared, nothing copied');
  const { packet } = packBatches([batch], 'copy');
  assert.ok(packet.buffers.every((b) => !(b instanceof SharedArrayBuffer)), 'copied: a worker writing into it changes nobody else’s batch');
  assert.equal([...unpackBatches(packet)[0]!.getChild('x')!].slice(0, 3), [0, 1, 2]);
});

test('shared memory that is not the pool’s is shared as before', () => {
  const own = new PayloadPool(0); // pooling off: ordinary memory
  assert.not.ok(own.take(200_000).buffer instanceof SharedArrayBuffer);
});

test.run();
