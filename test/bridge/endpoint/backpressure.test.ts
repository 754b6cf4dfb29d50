import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameType } from '../../../bridge/endpoint/index.js';
import { RecordingSink, TestClient, deferred, startEndpoint } from './helpers.js';

/** An IPC-framed payload (the endpoint checks the stream's first marker and its end-of-stream marker before staging). */
function payload(bytes: number): Uint8Array {
  const p = new Uint8Array(bytes);
  p.fill(0xff, 0, 4);
  p.fill(0xff, bytes - 8, bytes - 4);
  return p;
}

test('a pending stage() stops the socket being read until it resolves', async () => {
  const { endpoint } = await startEndpoint();
  const sink = new RecordingSink();
  const room = deferred();
  sink.hold = room.promise;
  const reg = endpoint.register('bp', { sink });
  const { client } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'bp', secret: reg.secret, epoch: 0, partition: 0, attempt: 0 });

  const frames = 64;
  const frameBytes = 1 << 20; // 64 MiB in all: far beyond what loopback socket buffers hold
  for (let i = 0; i < frames; i++) client.send(FrameType.DATA, payload(frameBytes));
  client.sendJson(FrameType.END, { batches: frames, rows: 0 });
  await sink.stagedAtLeast(1);

  // Give the kernel time to move whatever it can; a reading endpoint would take all 64 MiB.
  // (An absence cannot be awaited, so this one test observes a short window.)
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(sink.staged.length, 1, 'no second stage() while the first is pending');
  const unsent = client.socket.writableLength;
  assert.ok(unsent > 32 << 20, `the client still holds ${unsent} unsent bytes: the endpoint stopped reading`);

  room.resolve();
  const ok = await client.readJson();
  assert.is(ok.type, FrameType.OK);
  assert.is(ok.body['batches'], frames);
  assert.is(sink.staged.length, frames);
  assert.is(client.socket.writableLength, 0);
  await endpoint.close();
});

test('a held stream does not hold back another stream on the same endpoint', async () => {
  const { endpoint } = await startEndpoint();
  const held = new RecordingSink();
  held.hold = new Promise(() => undefined); // never resolves
  const free = new RecordingSink();
  const a = endpoint.register('held', { sink: held });
  const b = endpoint.register('free', { sink: free });
  const { client: slow } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'held', secret: a.secret, epoch: 0, partition: 0, attempt: 0 });
  slow.send(FrameType.DATA, payload(1024));
  await held.stagedAtLeast(1);

  const { client: fast } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'free', secret: b.secret, epoch: 0, partition: 0, attempt: 0 });
  for (let i = 0; i < 10; i++) fast.send(FrameType.DATA, payload(1024));
  fast.sendJson(FrameType.END, { batches: 10, rows: 0 });
  assert.is((await fast.readJson()).body['batches'], 10);
  await endpoint.close();
});

test.run();
