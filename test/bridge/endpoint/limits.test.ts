import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameType, WireEndpoint } from '../../../bridge/endpoint/index.js';
import { waitFor } from '../../support/wait.js';
import { RecordingSink, TestClient, body, memoryLogger, oversizedHellosRefused } from './helpers.js';

const test = suite('endpoint limits: what a peer may cost Node before and after it authenticates');

test('an unauthenticated peer declaring a 1 GiB frame is refused before Node allocates it', async () => {
  const endpoint = await WireEndpoint.start({ logger: memoryLogger() });
  await oversizedHellosRefused(() => TestClient.open(endpoint.port), 40);
  await endpoint.close();
});

test('past maxConnections a peer is refused unread, with one log line however many follow', async () => {
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, maxConnections: 3 });
  const held = await Promise.all([0, 1, 2].map(() => TestClient.open(endpoint.port)));
  await waitFor(() => endpoint.connectionCount === 3, 'the endpoint holds the three connections');
  for (let i = 0; i < 5; i++) {
    const extra = await TestClient.open(endpoint.port);
    const answer = await extra.readJson();
    assert.is(answer.body['code'], 'DRLS_CONNECTION_LIMIT');
    await extra.closed();
  }
  assert.is(logger.lines.length, 1, logger.lines.join('\n'));
  assert.match(logger.lines[0]!, "the endpoint's limit of 3 open connections is reached");
  for (const client of held) client.socket.destroy();
  await endpoint.close();
});

test('past maxConnectionsPerStream a stream refuses more, naming itself; other streams carry on', async () => {
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, maxConnectionsPerStream: 1 });
  const a = endpoint.register('a', { secret: 'secret-of-a', sink: new RecordingSink() });
  const b = endpoint.register('b', { secret: 'secret-of-b', sink: new RecordingSink() });
  const first = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'a', secret: a.secret });
  assert.is(first.answer.type, FrameType.OK);
  const second = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'a', secret: a.secret });
  assert.is(body(second.answer)['code'], 'DRLS_CONNECTION_LIMIT');
  assert.match(String(body(second.answer)['message']), 'stream "a"');
  const other = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'b', secret: b.secret });
  assert.is(other.answer.type, FrameType.OK);
  assert.ok(logger.lines.every((line) => !line.includes(a.secret)), 'no secret in the log');
  await endpoint.close();
});

test('limits are checked as options, naming each', async () => {
  for (const [name, value] of [['maxConnections', 0], ['maxConnectionsPerStream', 1.5]] as const) {
    const err = await WireEndpoint.start({ [name]: value }).then(() => null, (e: Error & { code?: string }) => e);
    assert.is(err?.code, 'DRLS_INVALID_ARGUMENT');
    assert.match(err!.message, `options.${name}`);
  }
});

test.run();
