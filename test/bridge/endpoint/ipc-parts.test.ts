import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Bool, Dictionary, Field, Int32, List, RecordBatch, Schema, Struct, Table, TimestampMicrosecond, Utf8,
  makeVector, tableFromArrays, tableFromIPC, tableToIPC, vectorFromArray,
} from 'apache-arrow';
import { ipcParts } from '../../../bridge/endpoint/ipc-parts.js';

const joined = (parts: readonly Uint8Array[]): Uint8Array => Buffer.concat(parts);

/** The pieces, written one after another, are the bytes Arrow's own stream writer makes. */
function assertSameStream(table: Table): void {
  const { parts, byteLength } = ipcParts(table);
  const expected = tableToIPC(table, 'stream');
  assert.is(byteLength, expected.byteLength);
  assert.equal(joined(parts), Buffer.from(expected));
}

test('flat columns with nulls, strings, booleans and timestamps encode as Arrow encodes them', () => {
  const n = 1_000;
  const table = new Table({
    l: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i)), new Int32()),
    d: makeVector(Float64Array.from({ length: n }, (_, i) => i / 3)),
    s: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `row-${i}`)), new Utf8()),
    b: vectorFromArray(Array.from({ length: n }, (_, i) => i % 3 === 0), new Bool()),
    t: vectorFromArray(Array.from({ length: n }, (_, i) => i * 1000), new TimestampMicrosecond()),
  });
  assertSameStream(table);
});

test('nested columns (lists, structs) and a table of several batches encode as Arrow encodes them', () => {
  const type = new Struct([new Field('a', new Int32()), new Field('tags', new List(new Field('item', new Utf8())))]);
  const rows = Array.from({ length: 300 }, (_, i) => (i % 11 === 0 ? null : { a: i, tags: Array.from({ length: i % 4 }, (_, j) => `t${j}`) }));
  const one = new Table({ v: vectorFromArray(rows, type) });
  const two = new Table({ v: vectorFromArray(rows.slice(0, 17), type) });
  assertSameStream(new Table([...one.batches, ...two.batches]));
});

test('an empty batch and an all-null column encode as Arrow encodes them', () => {
  assertSameStream(tableFromArrays({ x: new Int32Array(0), s: [] as string[] }));
  assertSameStream(new Table({ n: vectorFromArray([null, null, null], new Utf8()) }));
});

test("a stream read back with no batches writes none (Arrow's reader gives it a placeholder batch)", () => {
  const schemaOnly = tableFromIPC(tableToIPC(new Table(new Schema([new Field('x', new Int32())]))));
  assertSameStream(schemaOnly);
  for (const batch of schemaOnly.batches) assert.equal(joined(ipcParts(batch).parts), Buffer.from(tableToIPC(schemaOnly, 'stream')));
});

test("a schema's metadata changed between fetches is sent as it is now", () => {
  const table = tableFromArrays({ x: Int32Array.of(1) });
  ipcParts(table);
  table.schema.metadata.set('version', '2');
  assert.is(tableFromIPC(joined(ipcParts(table).parts)).schema.metadata.get('version'), '2');
});

test('a slice of a batch carries only its rows', () => {
  const table = tableFromArrays({ x: Int32Array.from({ length: 100 }, (_, i) => i), s: ['a', 'b', 'c', 'd'].flatMap((s) => Array(25).fill(s)) });
  const slice = table.slice(30, 55);
  const decoded = tableFromIPC(joined(ipcParts(slice.batches[0]!).parts));
  assert.equal(decoded.getChild('x')!.toArray(), Int32Array.from({ length: 25 }, (_, i) => 30 + i));
  assert.is(decoded.getChild('s')!.get(0), 'b');
  assert.is(decoded.numRows, 25);
});

test("a batch's metadata and the schema's travel with it", () => {
  const base = tableFromArrays({ x: Int32Array.of(1, 2, 3) });
  const schema = new Schema(base.schema.fields, new Map([['origin', 'node']]));
  const batch = new RecordBatch(schema, base.batches[0]!.data, new Map([['epoch', '7']]));
  assertSameStream(new Table([batch]));
  const decoded = tableFromIPC(joined(ipcParts(batch).parts));
  assert.is(decoded.schema.metadata.get('origin'), 'node');
  assert.is(decoded.batches[0]!.metadata.get('epoch'), '7');
  assert.equal([...decoded.getChild('x')!], [1, 2, 3]);
});

test("the pieces are the batch's own buffers, not copies of them", () => {
  const values = Float64Array.from({ length: 10_000 }, (_, i) => i);
  const table = tableFromArrays({ v: values });
  const { parts } = ipcParts(table.batches[0]!);
  const own = table.getChild('v')!.data[0]!.values.buffer;
  assert.ok(parts.some((p) => p.buffer === own && p.byteLength === values.byteLength));
});

test('dictionary-encoded columns encode as Arrow encodes them', () => {
  const dict = vectorFromArray(['x', 'y', 'x', 'z', 'y'], new Dictionary(new Utf8(), new Int32()));
  assertSameStream(new Table({ d: dict }));
});

test.run();
