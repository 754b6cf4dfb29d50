import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tableFromArrays, tableFromIPC, type Schema, type Table } from 'apache-arrow';
import { BatchCollectedError } from '../../../runtime/base/index.js';
import { FrameType, type LatestBatch, type SourcePayload, type SourceTarget } from '../../../bridge/endpoint/index.js';
import { TestClient, startEndpoint } from './helpers.js';

/** A SourceTarget over an in-memory list of batches; batches <= the committed id are freed. */
class ListSource implements SourceTarget {
  readonly batches = new Map<number, Table>();
  committed: number[] = [];
  constructor(tables: Table[]) {
    tables.forEach((t, i) => this.batches.set(i, t));
  }
  async schema(): Promise<Schema> {
    return this.batches.get(0)!.schema;
  }
  async latest(): Promise<LatestBatch> {
    return { batchId: Math.max(-1, ...this.batches.keys()), complete: false };
  }
  async fetch(batchId: number): Promise<readonly SourcePayload[]> {
    const t = this.batches.get(batchId);
    if (!t) throw new BatchCollectedError('src', batchId, Math.min(...this.batches.keys()));
    return [t, t.batches[0]!];
  }
  async commit(batchId: number): Promise<void> {
    this.committed.push(batchId);
    for (const id of [...this.batches.keys()]) if (id <= batchId) this.batches.delete(id);
  }
}

test('source: schema, latest, fetch and commit answer in order; a freed batch is DRLS_BATCH_COLLECTED', async () => {
  const { endpoint } = await startEndpoint();
  const t0 = tableFromArrays({ id: Int32Array.from([1, 2]), x: Float64Array.from([0.5, 1.5]) });
  const t1 = tableFromArrays({ id: Int32Array.from([3]), x: Float64Array.from([2.5]) });
  const source = new ListSource([t0, t1]);
  const reg = endpoint.register('src', { source });
  const { client, answer } = await TestClient.hello(endpoint.port, { role: 'source', streamId: 'src', secret: reg.secret });
  assert.equal(JSON.parse(new TextDecoder().decode(answer.payload)), { source: true, sink: false });

  client.sendJson(FrameType.REQUEST, { op: 'schema' });
  const schema = await client.read();
  assert.is(schema.type, FrameType.DATA);
  const empty = tableFromIPC(schema.payload);
  assert.equal(empty.schema.fields.map((f) => f.name), ['id', 'x']);
  assert.is(empty.numRows, 0);

  client.sendJson(FrameType.REQUEST, { op: 'latest' });
  assert.equal((await client.readJson()).body, { batchId: 1, complete: false });

  client.sendJson(FrameType.REQUEST, { op: 'fetch', batchId: 1 });
  const a = await client.read();
  const b = await client.read();
  assert.equal([a.type, b.type], [FrameType.DATA, FrameType.DATA]);
  assert.equal(Array.from(tableFromIPC(a.payload).getChild('id')!.toArray()), [3]);
  assert.equal(Array.from(tableFromIPC(b.payload).getChild('x')!.toArray()), [2.5]);
  assert.equal((await client.readJson()).body, { batchId: 1, batches: 2 });

  client.sendJson(FrameType.REQUEST, { op: 'commit', batchId: 0 });
  assert.is((await client.readJson()).type, FrameType.OK);
  assert.equal(source.committed, [0]);

  client.sendJson(FrameType.REQUEST, { op: 'fetch', batchId: 0 });
  const gone = await client.readJson();
  assert.is(gone.type, FrameType.ERROR);
  assert.is(gone.body['code'], 'DRLS_BATCH_COLLECTED');
  assert.match(String(gone.body['message']), /batch 0 was already collected/);
  await client.closed();
  await endpoint.close();
});

test('a sink-only request on a source connection is a protocol error', async () => {
  const { endpoint } = await startEndpoint();
  const reg = endpoint.register('src', { source: new ListSource([tableFromArrays({ v: Int32Array.from([1]) })]) });
  const { client } = await TestClient.hello(endpoint.port, { role: 'source', streamId: 'src', secret: reg.secret });
  client.sendJson(FrameType.COMMIT, { epoch: 0, partitions: [] });
  assert.is((await client.readJson()).body['code'], 'DRLS_PROTOCOL_ERROR');
  await endpoint.close();
});

test.run();
