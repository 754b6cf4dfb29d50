import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameType } from '../../../bridge/endpoint/index.js';
import { RecordingSink, TestClient, body, ipcOf, startEndpoint } from './helpers.js';

test('a wrong secret is refused with DRLS_AUTH_FAILED and one log line', async () => {
  const { endpoint, logger } = await startEndpoint();
  endpoint.register('s1', { secret: 'right', sink: new RecordingSink() });
  const { client, answer } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's1', secret: 'wrong' });
  assert.is(answer.type, FrameType.ERROR);
  assert.is(body(answer)['code'], 'DRLS_AUTH_FAILED');
  await client.closed();
  assert.is(logger.lines.length, 1);
  assert.match(logger.lines[0]!, /DRLS_AUTH_FAILED/);
  assert.match(logger.lines[0]!, /stream "s1"/);
  assert.not.match(logger.lines[0]!, /right|wrong"/);
  await endpoint.close();
});

test('an unknown stream is refused with DRLS_UNKNOWN_STREAM', async () => {
  const { endpoint, logger } = await startEndpoint();
  const { client, answer } = await TestClient.hello(endpoint.port, { role: 'source', streamId: 'nope', secret: 'x' });
  assert.is(answer.type, FrameType.ERROR);
  assert.is(body(answer)['code'], 'DRLS_UNKNOWN_STREAM');
  await client.closed();
  assert.is(logger.lines.length, 1);
  await endpoint.close();
});

test('an unsupported protocol version and a role the stream lacks are refused with their codes', async () => {
  const { endpoint } = await startEndpoint();
  const reg = endpoint.register('s1', { sink: new RecordingSink() });
  const v2 = await TestClient.hello(endpoint.port, { version: 2, role: 'commit', streamId: 's1', secret: reg.secret });
  assert.is(body(v2.answer)['code'], 'DRLS_PROTOCOL_VERSION');
  const asSource = await TestClient.hello(endpoint.port, { role: 'source', streamId: 's1', secret: reg.secret });
  assert.is(body(asSource.answer)['code'], 'DRLS_ROLE_UNSUPPORTED');
  await endpoint.close();
});

test('a probe tells the connector whether the stream is a source or a sink', async () => {
  const { endpoint } = await startEndpoint();
  const reg = endpoint.register('s1', { sink: new RecordingSink() });
  const { client, answer } = await TestClient.hello(endpoint.port, { role: 'probe', streamId: 's1', secret: reg.secret });
  assert.is(answer.type, FrameType.OK);
  assert.equal(body(answer), { source: false, sink: true });
  await client.closed();
  await endpoint.close();
});

test('garbage bytes and a malformed frame are refused while a healthy stream on the same endpoint carries on', async () => {
  const { endpoint, logger } = await startEndpoint();
  const healthySink = new RecordingSink();
  const healthy = endpoint.register('healthy', { sink: healthySink });
  endpoint.register('other', { secret: 'x', sink: new RecordingSink() });

  // The healthy writer is mid-stream when the bad connections arrive.
  const { client: writer, answer } = await TestClient.hello(endpoint.port, {
    role: 'write', streamId: 'healthy', secret: healthy.secret, epoch: 0, partition: 0, attempt: 0, taskId: 1,
  });
  assert.is(answer.type, FrameType.OK);
  writer.send(FrameType.DATA, ipcOf([1, 2]));
  await healthySink.stagedAtLeast(1);

  const garbage = await TestClient.open(endpoint.port);
  garbage.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const refusal = await garbage.read();
  assert.is(refusal.type, FrameType.ERROR);
  assert.is(body(refusal)['code'], 'DRLS_PROTOCOL_ERROR');
  await garbage.closed();

  // Authenticated, then a DATA frame that is not Arrow IPC: only that connection breaks.
  const { client: bad } = await TestClient.hello(endpoint.port, {
    role: 'write', streamId: 'other', secret: 'x', epoch: 0, partition: 0, attempt: 0,
  });
  bad.send(FrameType.DATA, new TextEncoder().encode('not arrow at all'));
  assert.is(body(await bad.read())['code'], 'DRLS_PROTOCOL_ERROR');
  await bad.closed();

  // A COMMIT whose JSON does not parse.
  const { client: badJson } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'other', secret: 'x' });
  badJson.send(FrameType.COMMIT, new TextEncoder().encode('{"epoch": 0, partitions'));
  assert.is(body(await badJson.read())['code'], 'DRLS_PROTOCOL_ERROR');

  writer.send(FrameType.DATA, ipcOf([3]));
  writer.sendJson(FrameType.END, { batches: 2, rows: 3 });
  const ok = await writer.readJson();
  assert.is(ok.type, FrameType.OK);
  assert.equal(ok.body, { rows: 3, batches: 2, duplicate: false });
  assert.is(healthySink.staged.length, 2);
  assert.is(logger.lines.length, 3);
  await endpoint.close();
});

test('a writer whose END miscounts its DATA frames is refused', async () => {
  const { endpoint } = await startEndpoint();
  const reg = endpoint.register('s', { sink: new RecordingSink() });
  const { client } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 's', secret: reg.secret, epoch: 0, partition: 0, attempt: 0 });
  client.send(FrameType.DATA, ipcOf([1]));
  client.sendJson(FrameType.END, { batches: 2, rows: 1 });
  const answer = await client.readJson();
  assert.is(answer.body['code'], 'DRLS_PROTOCOL_ERROR');
  assert.match(String(answer.body['message']), /declares 2 batches but 1/);
  await endpoint.close();
});

test('unregistering a stream closes its connections and later ones are refused', async () => {
  const { endpoint, logger } = await startEndpoint();
  const reg = endpoint.register('s', { sink: new RecordingSink() });
  const { client } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's', secret: reg.secret });
  reg.unregister();
  await client.closed();
  assert.equal(logger.lines, [], 'a connection cut by unregister() is not logged as refused');
  const again = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's', secret: reg.secret });
  assert.is(body(again.answer)['code'], 'DRLS_UNKNOWN_STREAM');
  await endpoint.close();
});

test('a DATA payload that is not a complete Arrow IPC stream is a protocol error on that connection only', async () => {
  const { endpoint, logger } = await startEndpoint();
  const sink = new RecordingSink();
  const reg = endpoint.register('m', { sink });
  // The case: the continuation marker and 4 to 19 bytes of anything.
  for (const extra of [4, 11, 19]) {
    const { client } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'm', secret: reg.secret, epoch: 0, partition: 0, attempt: extra });
    client.send(FrameType.DATA, Uint8Array.from([0xff, 0xff, 0xff, 0xff, ...Array.from({ length: extra }, (_, i) => (i * 37 + extra) & 0xff)]));
    const answer = await client.readJson();
    assert.is(answer.body['code'], 'DRLS_PROTOCOL_ERROR');
    assert.match(String(answer.body['message']), 'not a complete Arrow IPC stream');
    await client.closed();
  }
  // A whole stream cut short loses its end-of-stream marker.
  const cut = ipcOf([1, 2, 3]);
  const { client } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'm', secret: reg.secret, epoch: 0, partition: 0, attempt: 99 });
  client.send(FrameType.DATA, cut.subarray(0, cut.byteLength - 8));
  assert.is((await client.readJson()).body['code'], 'DRLS_PROTOCOL_ERROR');
  assert.is(sink.staged.length, 0, 'nothing malformed was staged');
  // The stream itself carries on.
  const { client: good } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'm', secret: reg.secret, epoch: 0, partition: 0, attempt: 100 });
  good.send(FrameType.DATA, ipcOf([1]));
  good.sendJson(FrameType.END, { batches: 1, rows: 1 });
  assert.is((await good.readJson()).type, FrameType.OK);
  assert.is(logger.lines.length, 4);
  await endpoint.close();
});

test.run();
