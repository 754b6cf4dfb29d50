import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect, type Socket } from 'node:net';
import { tableFromIPC } from 'apache-arrow';
import { FrameReader, FrameType, encodeFrame, encodeJsonFrame, decodeJson, type Frame } from '../../../bridge/endpoint/index.js';
import { ipcOf } from './helpers.js';
import { payloadPool } from '../../../runtime/base/index.js';

type Mode = 'chunks' | 'adopted';

/**
 * A connected socket pair over loopback: writes on `a` are read through a FrameReader on
 * `b`, either from its 'data' chunks or from a socket the reader adopted (reads land in
 * buffers it chose), as the endpoint does.
 */
async function pair(mode: Mode, maxPayload = 1 << 30): Promise<{ a: Socket; reader: FrameReader; readsInPlace: boolean; close(): void }> {
  const server = createServer({ pauseOnConnect: mode === 'adopted' });
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const a = connect({ host: '127.0.0.1', port });
  const b = await accepted;
  const { reader, socket, readsInPlace } = mode === 'adopted' ? FrameReader.adopt(b, maxPayload) : { reader: new FrameReader(b, maxPayload), socket: b, readsInPlace: false };
  return { a, reader, readsInPlace, close: () => { a.destroy(); socket.destroy(); server.close(); } };
}

{
  const test = suite('frame reader on this Node');
  test('adopting an accepted socket reads payloads in place (the wire’s fast path, through a Node internal)', async () => {
    const { readsInPlace, close } = await pair('adopted');
    close();
    assert.ok(readsInPlace, `Node ${process.version} no longer lets the endpoint choose where reads land: frames are copied in chunks`);
  });
  test.run();
}

for (const mode of ['chunks', 'adopted'] as const) {
  const test = suite(`frame reader (${mode})`);

  test('control and data frames round-trip, including one split byte by byte', async () => {
    const { a, reader, close } = await pair(mode);
    const ipc = ipcOf([1, 2, 3]);
    const bytes = new Uint8Array([
      ...encodeJsonFrame(FrameType.HELLO, { role: 'write', epoch: 3 }),
      ...encodeFrame(FrameType.DATA, ipc),
      ...encodeFrame(FrameType.END, new Uint8Array(0)),
    ]);
    for (const byte of bytes.subarray(0, 40)) a.write(new Uint8Array([byte]));
    a.end(bytes.subarray(40));

    const frames: Frame[] = [];
    for (let f = await reader.next(); f; f = await reader.next()) frames.push(f);
    assert.equal(frames.map((f) => f.type), [FrameType.HELLO, FrameType.DATA, FrameType.END]);
    assert.equal(decodeJson(frames[0]!.payload), { role: 'write', epoch: 3 });
    assert.equal(Array.from(frames[1]!.payload), Array.from(ipc));
    assert.equal(frames[2]!.payload.byteLength, 0);
    close();
  });

  test('a DATA payload lands 8-byte aligned in pooled memory, so Arrow reads it without copying', async () => {
    // A one-byte frame first shifts the DATA payload off any alignment within the socket's chunks.
    const p = await pair(mode);
    try {
      p.a.write(encodeFrame(FrameType.OK, new Uint8Array([0x7b])));
      p.a.write(encodeFrame(FrameType.DATA, ipcOf([1.5, 2.5])));
      await p.reader.next();
      const data = (await p.reader.next())!;
      assert.is(data.payload.byteOffset % 8, 0);
      assert.ok(payloadPool.owns(data.payload.buffer), 'payload-pool memory');
      const values = tableFromIPC(data.payload).getChild('v')!.data[0]!.values as Float64Array;
      assert.equal(values, Float64Array.from([1.5, 2.5]));
      assert.ok(values.buffer === data.payload.buffer, 'Arrow read the values where they landed');
    } finally {
      p.close();
    }
  });

  test('a 16 MiB frame arrives intact', async () => {
    const { a, reader, close } = await pair(mode);
    const big = new Uint8Array(16 << 20);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    a.write(encodeFrame(FrameType.DATA, big));
    const f = (await reader.next())!;
    assert.is(f.payload.byteLength, big.byteLength);
    assert.is(f.payload[4096 * 3], (4096 * 3) & 0xff);
    close();
  });

  test('large frames filled as chunks arrive keep their boundaries with the frames around them', async () => {
    const { a, reader, close } = await pair(mode);
    const big = (seed: number): Uint8Array => Uint8Array.from({ length: (1 << 20) + 13 }, (_, i) => (i * seed) & 0xff);
    const one = big(7);
    const two = big(11);
    const all = new Uint8Array([
      ...encodeFrame(FrameType.DATA, one),
      ...encodeFrame(FrameType.DATA, two),
      ...encodeJsonFrame(FrameType.END, { batches: 2 }),
    ]);
    // Odd-sized writes so chunk edges fall inside headers and payloads alike.
    for (let at = 0; at < all.length; at += 100_003) a.write(all.subarray(at, Math.min(all.length, at + 100_003)));
    a.end();
    const f1 = (await reader.next())!;
    const f2 = (await reader.next())!;
    const f3 = (await reader.next())!;
    assert.ok(Buffer.from(f1.payload).equals(Buffer.from(one)));
    assert.ok(Buffer.from(f2.payload).equals(Buffer.from(two)));
    assert.is(f2.payload.byteOffset, 0);
    assert.equal(decodeJson(f3.payload), { batches: 2 });
    assert.is(await reader.next(), null);
    close();
  });

  test('an unknown frame type is a protocol error at its first byte', async () => {
    const { a, reader, close } = await pair(mode);
    a.write(new Uint8Array([0x47])); // "G" of "GET / HTTP/1.1"
    try {
      await reader.next();
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.is((err as { code?: string }).code, 'DRLS_PROTOCOL_ERROR');
    }
    close();
  });

  test('a frame longer than the limit is refused before its payload is read', async () => {
    const { a, reader, close } = await pair(mode, 1024);
    const header = new Uint8Array(5);
    header[0] = FrameType.DATA;
    new DataView(header.buffer).setUint32(1, 4096);
    a.write(header);
    try {
      await reader.next();
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.is((err as { code?: string }).code, 'DRLS_PROTOCOL_ERROR');
      assert.match((err as Error).message, /exceeds the limit of 1024/);
    }
    close();
  });

  test('a connection closed inside a frame is a protocol error, between frames a clean end', async () => {
    const { a, reader, close } = await pair(mode);
    a.write(encodeJsonFrame(FrameType.END, { batches: 0 }));
    a.end(encodeFrame(FrameType.DATA, new Uint8Array(100)).subarray(0, 50));
    assert.is((await reader.next())!.type, FrameType.END);
    try {
      await reader.next();
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.match((err as Error).message, /closed inside a DATA frame/);
    }
    close();

    const p = await pair(mode);
    p.a.end(encodeJsonFrame(FrameType.END, {}));
    assert.is((await p.reader.next())!.type, FrameType.END);
    assert.is(await p.reader.next(), null);
    p.close();
  });

  test.run();
}
