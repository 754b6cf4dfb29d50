import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameType } from '../../../bridge/endpoint/index.js';
import { RecordingSink, TestClient, ipcOf, startEndpoint } from './helpers.js';

const partitions = [
  { partition: 1, attempt: 0, rows: 1, batches: 1 },
  { partition: 0, attempt: 1, rows: 2, batches: 1 },
];

test('commit publishes an epoch once; a repeat answers duplicate without calling the sink', async () => {
  const { endpoint } = await startEndpoint();
  const sink = new RecordingSink();
  const reg = endpoint.register('c', { sink });
  const { client } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'c', secret: reg.secret });
  client.sendJson(FrameType.COMMIT, { epoch: 0, partitions });
  assert.equal((await client.readJson()).body, { batchId: 0, duplicate: false });
  client.sendJson(FrameType.COMMIT, { epoch: 0, partitions });
  assert.equal((await client.readJson()).body, { duplicate: true });

  // A second driver connection (Spark retrying commit after a restart) is a duplicate too.
  const { client: again } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'c', secret: reg.secret });
  again.sendJson(FrameType.COMMIT, { epoch: 0, partitions });
  assert.equal((await again.readJson()).body, { duplicate: true });

  assert.is(sink.commits.length, 1);
  assert.equal(sink.commits[0]!.partitions.map((p) => p.partition), [0, 1], 'partitions in partition order');
  await endpoint.close();
});

test('two concurrent commits of one epoch publish it once', async () => {
  const { endpoint } = await startEndpoint();
  const sink = new RecordingSink();
  const reg = endpoint.register('c', { sink });
  const a = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'c', secret: reg.secret });
  const b = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'c', secret: reg.secret });
  a.client.sendJson(FrameType.COMMIT, { epoch: 5, partitions });
  b.client.sendJson(FrameType.COMMIT, { epoch: 5, partitions });
  const answers = [(await a.client.readJson()).body, (await b.client.readJson()).body];
  assert.is(answers.filter((x) => x['duplicate'] === true).length, 1);
  assert.is(sink.commits.length, 1);
  await endpoint.close();
});

test('data replayed for an epoch already committed is read but never staged', async () => {
  const { endpoint } = await startEndpoint();
  const sink = new RecordingSink(3);
  const reg = endpoint.register('c', { sink });
  const { client } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'c', secret: reg.secret, epoch: 3, partition: 0, attempt: 0 });
  client.send(FrameType.DATA, ipcOf([1]));
  client.sendJson(FrameType.END, { batches: 1, rows: 1 });
  assert.equal((await client.readJson()).body, { rows: 1, batches: 1, duplicate: true });
  assert.is(sink.staged.length, 0);
  await endpoint.close();
});

test('driver-write stages every partition then commits, and a replay of it delivers nothing', async () => {
  const { endpoint } = await startEndpoint();
  const sink = new RecordingSink();
  const reg = endpoint.register('d', { sink });
  const send = async (): Promise<Record<string, unknown>> => {
    const { client } = await TestClient.hello(endpoint.port, { role: 'driver-write', streamId: 'd', secret: reg.secret, epoch: 7 });
    client.sendJson(FrameType.REQUEST, { op: 'partition', partition: 0, attempt: 0, batches: 2 });
    client.send(FrameType.DATA, ipcOf([1, 2]));
    client.send(FrameType.DATA, ipcOf([3]));
    client.sendJson(FrameType.REQUEST, { op: 'partition', partition: 1, attempt: 0, batches: 0 });
    client.sendJson(FrameType.COMMIT, {
      epoch: 7,
      partitions: [{ partition: 0, attempt: 0, rows: 3, batches: 2 }, { partition: 1, attempt: 0, rows: 0, batches: 0 }],
    });
    return (await client.readJson()).body;
  };
  assert.equal(await send(), { batchId: 0, duplicate: false });
  assert.equal(sink.staged.map((s) => [s.epoch, s.partition, s.attempt]), [[7, 0, 0], [7, 0, 0]]);
  assert.equal(await send(), { duplicate: true });
  assert.is(sink.staged.length, 2);
  assert.is(sink.commits.length, 1);
  await endpoint.close();
});

test('abort drops an uncommitted epoch and is a no-op on a committed one', async () => {
  const { endpoint } = await startEndpoint();
  const sink = new RecordingSink();
  const reg = endpoint.register('a', { sink });
  const { client } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'a', secret: reg.secret });
  client.sendJson(FrameType.ABORT, { epoch: 0 });
  assert.is((await client.readJson()).type, FrameType.OK);
  client.sendJson(FrameType.COMMIT, { epoch: 1, partitions: [] });
  await client.readJson();
  client.sendJson(FrameType.ABORT, { epoch: 1 });
  assert.is((await client.readJson()).type, FrameType.OK);
  assert.equal(sink.aborts, [0]);
  await endpoint.close();
});

test('a sink that throws reaches the connector as an ERROR with the error code', async () => {
  const { endpoint, logger } = await startEndpoint();
  const sink = new RecordingSink();
  sink.commitEpoch = async () => {
    throw new Error('coordinator is gone');
  };
  const reg = endpoint.register('t', { sink });
  const { client } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 't', secret: reg.secret });
  client.sendJson(FrameType.COMMIT, { epoch: 0, partitions: [] });
  const answer = await client.readJson();
  assert.is(answer.type, FrameType.ERROR);
  assert.is(answer.body['code'], 'DRLS_TARGET_FAILED');
  assert.match(String(answer.body['message']), /coordinator is gone/);
  assert.is(logger.lines.length, 1);
  // Not marked committed: a retry reaches the sink again.
  sink.commitEpoch = RecordingSink.prototype.commitEpoch;
  const retry = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 't', secret: reg.secret });
  retry.client.sendJson(FrameType.COMMIT, { epoch: 0, partitions: [] });
  assert.is((await retry.client.readJson()).body['duplicate'], false);
  await endpoint.close();
});

test.run();
