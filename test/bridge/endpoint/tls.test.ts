import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as connectTcp, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { FrameType, WireEndpoint, encodeFrame, encodeJsonFrame } from '../../../bridge/endpoint/index.js';
import { encodeHeader } from '../../../bridge/endpoint/frame.js';
import { HELLO_MAX_BYTES } from '../../../bridge/endpoint/wire-endpoint.js';
import { streamBridge } from '../../../bridge/streaming/stream-bridge.js';
import { ActorRuntime } from '../../../runtime/index.js';
import type { DrlsError } from '../../../runtime/base/index.js';
import { waitFor } from '../../support/wait.js';
import { RecordingSink, TestClient, body, deferred, ipcOf, memoryLogger, oversizedHellosRefused } from './helpers.js';
import { makeCa, makeServerCert, testTls } from './tls-certs.js';

const test = suite('endpoint over TLS: verified by the CA it hands out, same protocol, same limits');

/** A plain TCP connection (what a connector without tls=true opens). */
async function plainClient(port: number): Promise<Socket> {
  const socket = connectTcp({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  return socket;
}

const closed = (socket: Socket): Promise<void> => (socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve())));

test('connector options carry tls and the CA (its certificates only); a client trusting it completes HELLO, DATA and COMMIT', async () => {
  const { tls } = await testTls();
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, tls: { ...tls, ca: `${tls.ca}\n-----BEGIN PRIVATE KEY-----\nnot for the connector\n-----END PRIVATE KEY-----\n` } });
  assert.ok(endpoint.tls);
  const sink = new RecordingSink();
  const reg = endpoint.register('s', { sink });
  const options = reg.connectorOptions();
  assert.is(options.tls, 'true');
  assert.is(options.tlsCa, tls.ca.trim() + '\n');
  assert.not.match(options.tlsCa!, 'PRIVATE KEY');

  const { client, answer } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 's', secret: reg.secret, epoch: 0, partition: 0, attempt: 7, attemptNumber: 0 }, options.tlsCa!);
  assert.is((client.socket as TLSSocket).authorized, true);
  assert.is(answer.type, FrameType.OK);
  // A payload far larger than a TLS record and than the pre-authentication limit: the limits rose with HELLO.
  const ipc = ipcOf(Array.from({ length: 300_000 }, (_, i) => i));
  client.socket.write(encodeFrame(FrameType.DATA, ipc));
  client.socket.write(encodeJsonFrame(FrameType.END, { batches: 1, rows: 300_000 }));
  const end = await client.readJson();
  assert.is(end.type, FrameType.OK, JSON.stringify(end.body));
  assert.is(end.body['batches'], 1);
  assert.equal(Buffer.from(sink.staged[0]!.ipc).equals(Buffer.from(ipc)), true, 'the DATA payload arrived byte for byte');

  const commit = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's', secret: reg.secret, epoch: 0 }, options.tlsCa!);
  commit.client.socket.write(encodeJsonFrame(FrameType.COMMIT, { epoch: 0, partitions: [{ partition: 0, attempt: 7, rows: 300_000, batches: 1 }] }));
  assert.equal((await commit.client.readJson()).body, { batchId: 0, duplicate: false });
  commit.client.socket.end();
  await closed(client.socket);
  await closed(commit.client.socket);
  assert.equal(logger.lines, []);
  await endpoint.close();
});

test('backpressure holds over TLS: a pending stage() stops the socket being read until it resolves', async () => {
  const { tls } = await testTls();
  const endpoint = await WireEndpoint.start({ logger: memoryLogger(), tls });
  const sink = new RecordingSink();
  const room = deferred();
  sink.hold = room.promise;
  const reg = endpoint.register('bp', { sink });
  const { client } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'bp', secret: reg.secret, epoch: 0, partition: 0, attempt: 0 }, tls.ca);
  const frames = 48;
  const ipc = ipcOf(Array.from({ length: 1 << 17 }, (_, i) => i)); // 1 MiB: 48 MiB in all, far beyond the socket buffers
  for (let i = 0; i < frames; i++) client.socket.write(encodeFrame(FrameType.DATA, ipc));
  client.socket.write(encodeJsonFrame(FrameType.END, { batches: frames, rows: 0 }));
  await sink.stagedAtLeast(1);
  // As in backpressure.test.ts: an absence cannot be awaited, so this observes a short window.
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(sink.staged.length, 1, 'no second stage() while the first is pending');
  const unsent = client.socket.writableLength;
  assert.ok(unsent > 24 << 20, `the client still holds ${unsent} unsent bytes: the endpoint stopped reading`);
  room.resolve();
  const ok = await client.readJson();
  assert.is(ok.body['batches'], frames);
  assert.is(sink.staged.length, frames);
  await endpoint.close();
});

test('a plain TCP client on the TLS port is closed after one log line, costing Node no more than before TLS', async () => {
  const { tls } = await testTls();
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, tls });
  const reg = endpoint.register('s', { sink: new RecordingSink() });
  // A connector without tls=true: its HELLO, secret included, in plain text.
  const hello = await plainClient(endpoint.port);
  hello.write(encodeJsonFrame(FrameType.HELLO, { version: 1, role: 'probe', streamId: 's', secret: reg.secret }));
  const answered: Buffer[] = [];
  hello.on('data', (chunk: Buffer) => answered.push(chunk));
  await closed(hello);
  assert.is(Buffer.concat(answered).length, 0, 'nothing is said in plain text');

  const before = process.memoryUsage().arrayBuffers;
  const peers: Socket[] = [];
  for (let i = 0; i < 40; i++) {
    const peer = await plainClient(endpoint.port);
    peer.write(encodeHeader(FrameType.HELLO, 1 << 30)); // and never the payload
    peers.push(peer);
  }
  await Promise.all(peers.map(closed));
  assert.ok(process.memoryUsage().arrayBuffers - before < 40 * (HELLO_MAX_BYTES + 64 * 1024) + (8 << 20));
  await waitFor(() => logger.lines.length === 41, 'one line per refused peer');
  for (const line of logger.lines) {
    assert.match(line, /refused connection from 127\.0\.0\.1:\d+ \(before HELLO\): TLS handshake failed: /);
    assert.not.match(line, reg.secret);
  }
  await waitFor(() => endpoint.connectionCount === 0, 'every refused peer is let go');
  await endpoint.close();
});

test('an unauthenticated TLS peer may make Node hold only a HELLO’s worth, as without TLS', async () => {
  const { tls } = await testTls();
  const endpoint = await WireEndpoint.start({ logger: memoryLogger(), tls });
  await oversizedHellosRefused(() => TestClient.openTls(endpoint.port, tls.ca), 20);
  await endpoint.close();
});

test('a handshake that never comes, and a HELLO that never comes after one, are dropped after helloTimeoutMs', async () => {
  const { tls } = await testTls();
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, tls, helloTimeoutMs: 1000 });
  const silent = await plainClient(endpoint.port);
  await closed(silent);
  await waitFor(() => logger.lines.length === 1, 'a log line');
  assert.match(logger.lines[0]!, /\(before HELLO\): no TLS handshake within 1000 ms/);

  const mute = await TestClient.openTls(endpoint.port, tls.ca);
  const answer = await mute.readJson();
  assert.is(answer.body['code'], 'DRLS_PROTOCOL_ERROR');
  assert.match(String(answer.body['message']), /no HELLO within 1000 ms/);
  await waitFor(() => endpoint.connectionCount === 0, 'both are let go');
  await endpoint.close();
});

test('past maxConnections over TLS a peer is closed before its handshake, with one log line; handshaking peers count', async () => {
  const { tls } = await testTls();
  const ca = tls.ca;
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, tls, maxConnections: 3 });
  const reg = endpoint.register('s', { secret: 'secret-of-s', sink: new RecordingSink() });
  const authenticated = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's', secret: reg.secret }, ca);
  assert.is(authenticated.answer.type, FrameType.OK);
  // Two plain peers that never start a handshake fill the endpoint.
  const idle = [await plainClient(endpoint.port), await plainClient(endpoint.port)];
  await waitFor(() => endpoint.connectionCount === 3, 'the endpoint holds three connections');
  for (let i = 0; i < 3; i++) await closed(await plainClient(endpoint.port));
  const refused = await TestClient.openTls(endpoint.port, ca).then(
    () => null,
    (err: Error) => err,
  );
  assert.ok(refused, 'a TLS client past the limit gets no handshake');
  assert.equal(logger.lines.length, 1, logger.lines.join('\n'));
  assert.match(logger.lines[0]!, "the endpoint's limit of 3 open connections is reached");
  for (const socket of idle) socket.destroy();
  authenticated.client.socket.destroy();
  await endpoint.close();
});

test('past maxConnectionsPerStream over TLS a stream refuses more, naming itself', async () => {
  const { tls } = await testTls();
  const ca = tls.ca;
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, tls, maxConnectionsPerStream: 1 });
  const reg = endpoint.register('s', { secret: 'secret-of-s', sink: new RecordingSink() });
  const first = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's', secret: reg.secret }, ca);
  assert.is(first.answer.type, FrameType.OK);
  const second = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's', secret: reg.secret }, ca);
  assert.is(body(second.answer)['code'], 'DRLS_CONNECTION_LIMIT');
  assert.match(String(body(second.answer)['message']), 'stream "s"');
  assert.ok(logger.lines.every((line) => !line.includes(reg.secret)), 'no secret in the log');
  first.client.socket.destroy();
  await endpoint.close();
});

test('close() ends TLS connections, handshaken or not', async () => {
  const { tls } = await testTls();
  const endpoint = await WireEndpoint.start({ logger: memoryLogger(), tls });
  const reg = endpoint.register('s', { sink: new RecordingSink() });
  const open = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 's', secret: reg.secret }, tls.ca);
  const handshaking = await plainClient(endpoint.port);
  await waitFor(() => endpoint.connectionCount === 2, 'both accepted');
  await endpoint.close();
  await Promise.all([closed(open.client.socket), closed(handshaking)]);
});

test('tls options are checked at the edge, each message naming its option and quoting no key', async () => {
  const { tls, otherCa } = await testTls();
  const rejects = async (options: Parameters<typeof WireEndpoint.start>[0], message: RegExp): Promise<string> => {
    const err = await WireEndpoint.start(options).then(
      async (e) => {
        await e.close();
        return null;
      },
      (e: DrlsError) => e,
    );
    assert.is(err?.code, 'DRLS_INVALID_ARGUMENT', `${message}`);
    assert.match(err!.message, message);
    return err!.message;
  };
  await rejects({ tls: 'yes' as never }, /options\.tls must be an object/);
  await rejects({ tls: { cert: tls.cert, ca: tls.ca } as never }, /options\.tls\.key must be PEM text/);
  await rejects({ tls: { ...tls, cert: 42 as never } }, /options\.tls\.cert must be PEM text \(a string or Buffer\), got number/);
  const garbled = await rejects({ tls: { ...tls, key: '-----BEGIN PRIVATE KEY-----\nnot-a-key-at-all\n-----END PRIVATE KEY-----\n' } }, /options\.tls\.key must be an unencrypted PEM private key/);
  assert.not.match(garbled, 'not-a-key-at-all');
  const stranger = await makeServerCert(await makeCa('drls stranger CA'));
  await rejects({ tls: { ...tls, key: stranger.key } }, /options\.tls\.key is not the private key of options\.tls\.cert/);
  await rejects({ tls: { ...tls, ca: otherCa } }, /options\.tls\.ca did not issue options\.tls\.cert .*would refuse this endpoint/);
  await rejects({ tls, advertisedHost: 'elsewhere.example' }, /options\.tls\.cert does not name "elsewhere\.example".*IP Address:127\.0\.0\.1/);
  // Buffers are PEM too.
  const fromBuffers = await WireEndpoint.start({ tls: { key: Buffer.from(tls.key), cert: Buffer.from(tls.cert), ca: Buffer.from(tls.ca) } });
  assert.ok(fromBuffers.tls);
  await fromBuffers.close();
});

test('streamBridge: tls reaches the endpoint, and a runtime whose endpoint runs without TLS refuses a stream asking for it', async () => {
  const { tls } = await testTls();
  const secure = new ActorRuntime();
  const plain = new ActorRuntime();
  try {
    const reg = await streamBridge({ runtime: secure, endpoint: { tls } }).register('s', { sink: new RecordingSink() });
    assert.is(reg.connectorOptions().tls, 'true');
    await streamBridge({ runtime: plain }).register('a', { sink: new RecordingSink() });
    const err = await streamBridge({ runtime: plain, endpoint: { tls } })
      .register('b', { sink: new RecordingSink() })
      .then(
        () => null,
        (e: DrlsError) => e,
      );
    assert.is(err?.code, 'DRLS_INVALID_ARGUMENT');
    assert.match(err!.message, /options\.endpoint\.tls was given, but this runtime's endpoint was started earlier without TLS/);
    assert.throws(() => streamBridge({ endpoint: { tls: { ...tls, key: 1 as never } } }), /options\.endpoint\.tls\.key/);
  } finally {
    secure.shutdown();
    plain.shutdown();
  }
});

test.run();
