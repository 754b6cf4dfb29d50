// The TypeScript side of the protocol's shared test vectors, docs/wire-vectors.json; the JVM
// connector's JUnit tests (bridge/jvm/src/test/java) read the same file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tableFromIPC, Type } from 'apache-arrow';
import {
  FrameReader,
  FrameType,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  decodeJson,
  encodeFrame,
  encodeJsonFrame,
  type Frame,
} from '../../../bridge/endpoint/index.js';
import { HEADER_BYTES, encodeHeader, frameTypeName, isFrameType } from '../../../bridge/endpoint/frame.js';
import { offsetBatchId, sourceDescription } from '../../../bridge/streaming/source-offsets.js';

interface FrameVector {
  readonly description: string;
  readonly direction: string;
  readonly type: string;
  readonly hex: string;
  readonly json: Record<string, unknown>;
  readonly keyOrderFree?: boolean;
}

interface WireVectors {
  readonly protocolVersion: number;
  readonly header: { readonly headerBytes: number; readonly maxPayloadBytes: number };
  readonly frameTypes: readonly { readonly name: string; readonly value: number }[];
  readonly frames: readonly FrameVector[];
  readonly data: {
    readonly continuationMarker: string;
    readonly payloadHex: string;
    readonly numRows: number;
    readonly fields: readonly { readonly name: string; readonly arrowType: string; readonly nullable: boolean }[];
    readonly columns: Record<string, readonly unknown[]>;
  };
  readonly offsets: {
    readonly valid: readonly { readonly json: string; readonly batchId: number }[];
    readonly invalid: readonly { readonly json: string }[];
  };
  readonly sourceDescription: { readonly examples: readonly { readonly streamId: string; readonly description: string }[] };
  readonly progress: {
    readonly examples: readonly {
      readonly streamId: string;
      readonly connectJson: Record<string, unknown>;
      readonly sparkJson: Record<string, unknown>;
      readonly readThrough: number;
    }[];
  };
}

const vectors = JSON.parse(readFileSync(new URL('../../../docs/wire-vectors.json', import.meta.url), 'utf8')) as WireVectors;

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A vector's type as the TypeScript constant, failing on a name FrameType does not have. */
function typeOf(name: string): FrameType {
  const value = (FrameType as Record<string, FrameType | undefined>)[name];
  if (value === undefined) throw new Error(`FrameType has no ${name}`);
  return value;
}

const test = suite('wire vectors (docs/wire-vectors.json)');

test('frame types: the same names and bytes, and no others', () => {
  assert.equal(
    Object.fromEntries(vectors.frameTypes.map((t) => [t.name, t.value])),
    { ...FrameType },
  );
  for (const { name, value } of vectors.frameTypes) {
    assert.is(frameTypeName(value), name);
    assert.ok(isFrameType(value), name);
  }
  assert.not.ok(isFrameType(0x7f));
  assert.is(frameTypeName(0x7f), '0x7f');
});

test('header: 5 bytes, payloads up to 1 GiB, protocol version 1', () => {
  assert.is(HEADER_BYTES, vectors.header.headerBytes);
  assert.is(MAX_PAYLOAD_BYTES, vectors.header.maxPayloadBytes);
  assert.is(PROTOCOL_VERSION, vectors.protocolVersion);
  const hellos = vectors.frames.filter((f) => f.type === 'HELLO');
  assert.ok(hellos.length > 0);
  for (const f of hellos) assert.is(f.json.version, PROTOCOL_VERSION, f.description);
});

test('every vector frame encodes to its bytes (header big-endian)', () => {
  for (const v of vectors.frames) {
    const whole = bytes(v.hex);
    const payload = whole.subarray(HEADER_BYTES);
    const type = typeOf(v.type);
    assert.is(hex(encodeHeader(type, payload.byteLength)), hex(whole.subarray(0, HEADER_BYTES)), v.description);
    assert.is(new DataView(whole.buffer, whole.byteOffset).getUint32(1, false), payload.byteLength, v.description);
    assert.is(hex(encodeFrame(type, payload)), v.hex, v.description);
    // An empty payload stands for {}; every other control payload is the body's JSON.stringify.
    if (payload.byteLength > 0) assert.is(hex(encodeJsonFrame(type, v.json)), v.hex, v.description);
  }
});

test('every vector payload decodes to its JSON (an empty one to {})', () => {
  for (const v of vectors.frames) {
    assert.equal(decodeJson(bytes(v.hex).subarray(HEADER_BYTES)), v.json, v.description);
  }
});

test('the vectors cover every control frame type', () => {
  for (const name of ['HELLO', 'END', 'COMMIT', 'ABORT', 'REQUEST', 'OK', 'ERROR']) {
    assert.ok(vectors.frames.some((f) => f.type === name), name);
  }
});

/** The vector frames, back to back over loopback, read by the endpoint's FrameReader. */
test('the endpoint reads the vector frames off a socket', async () => {
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
  const socket = await accepted;
  try {
    const reader = new FrameReader(socket, MAX_PAYLOAD_BYTES);
    client.end(Buffer.concat(vectors.frames.map((v) => bytes(v.hex))));
    const frames: Frame[] = [];
    for (let f = await reader.next(); f; f = await reader.next()) frames.push(f);
    assert.is(frames.length, vectors.frames.length);
    frames.forEach((f, i) => {
      const v = vectors.frames[i]!;
      assert.is(f.type, typeOf(v.type), v.description);
      assert.is(hex(f.payload), v.hex.slice(HEADER_BYTES * 2), v.description);
      assert.equal(decodeJson(f.payload), v.json, v.description);
    });
  } finally {
    client.destroy();
    socket.destroy();
    server.close();
  }
});

test('the DATA vector is one Arrow IPC stream that Arrow JS reads as its columns', () => {
  const payload = bytes(vectors.data.payloadHex);
  assert.is(hex(payload.subarray(0, 4)), vectors.data.continuationMarker);
  const table = tableFromIPC(payload);
  assert.is(table.numRows, vectors.data.numRows);
  assert.is(table.batches.length, 1);
  assert.equal(
    table.schema.fields.map((f) => ({ name: f.name, arrowType: `${Type[f.typeId]}${'bitWidth' in f.type ? String(f.type.bitWidth) : ''}`, nullable: f.nullable })),
    vectors.data.fields,
  );
  for (const [name, values] of Object.entries(vectors.data.columns)) {
    const column = table.getChild(name);
    assert.ok(column, name);
    assert.equal([...column!], values, name);
  }
});

test('offsets: the batch id of every valid offset, none of an invalid one', () => {
  for (const v of vectors.offsets.valid) assert.is(offsetBatchId(v.json), v.batchId, v.json);
  for (const v of vectors.offsets.invalid) assert.is(offsetBatchId(v.json), undefined, v.json);
});

test('the source description, and the batch id read from progress in both of Spark’s forms', () => {
  for (const e of vectors.sourceDescription.examples) assert.is(sourceDescription(e.streamId), e.description);
  for (const e of vectors.progress.examples) {
    for (const form of [e.connectJson, e.sparkJson]) {
      assert.is(form['description'], sourceDescription(e.streamId));
      assert.is(offsetBatchId(form['endOffset']), e.readThrough);
    }
  }
});

test.run();
