import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Table } from 'apache-arrow';
import { fromSparkStreaming, toSparkStreaming } from '../../../streaming.js';
import { getSpark } from '../../support/spark.js';

const test = suite('schema mapping, both ways (real Spark)');

/** One column per type the connector maps, computed from the rate source's `value`. */
const COLUMNS = [
  'cast(value % 100 as tinyint) as i8',
  'cast(value % 30000 as smallint) as i16',
  'cast(value as int) as i32',
  'value as i64',
  'cast(value / 4 as float) as f32',
  'cast(value as double) / 8 as f64',
  'cast(value / 1000 as decimal(12, 3)) as dec',
  "concat('s-', value) as str",
  "cast(concat('b-', value) as binary) as bin",
  'value % 2 = 0 as bool',
  "date_add(date'2024-02-28', cast(value as int)) as day",
  'timestamp_seconds(1700000000 + value) as ts',
  "named_struct('n', value, 'label', concat('n', value)) as st",
  'array(value, value + 1) as arr',
  "map('k', value) as mp",
];

const typeNames = (t: Table): Record<string, string> => Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));

/** Rows as plain JSON-able values, to compare tables column by column. */
function rows(t: Table): string[] {
  return t.toArray().map((r) =>
    JSON.stringify(r, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      if (v instanceof Map) return Object.fromEntries(v);
      if (v && typeof v === 'object' && 'toJSON' in v) return (v as { toJSON(): unknown }).toJSON();
      return v;
    }),
  );
}

test('every listed type survives Spark -> Node -> Spark with its values', async () => {
  const spark = await getSpark();
  // Forward: a real stream through the connector's sink into Node.
  const df = spark.readStream.format('rate').option('rowsPerSecond', 50).option('numPartitions', 1).load().selectExpr(...COLUMNS);
  const { iterator, handle } = await fromSparkStreaming(df, { trigger: { processingTime: '300 milliseconds' } });
  let forward: Table | undefined;
  for await (const micro of iterator.microBatches()) {
    const batches = micro.partitions.flatMap((p) => [...p.batches]).filter((b) => b.numRows > 0);
    if (batches.length > 0) {
      const { Table: ArrowTable } = await import('apache-arrow');
      forward = new ArrowTable(batches);
      break;
    }
  }
  await handle.stop({ timeoutMs: 5000 }).catch(() => undefined);
  assert.ok(forward && forward.numRows > 0, 'rows arrived');
  const types = typeNames(forward!);
  assert.equal(Object.keys(types), COLUMNS.map((c) => c.split(' as ').at(-1)));
  assert.match(types.i8!, /Int8/);
  assert.match(types.i16!, /Int16/);
  assert.match(types.i32!, /Int32/);
  assert.match(types.i64!, /Int64/);
  assert.match(types.f32!, /Float32/);
  assert.match(types.f64!, /Float64/);
  assert.match(types.dec!, /Decimal/);
  assert.match(types.str!, /Utf8/);
  assert.match(types.bin!, /Binary/);
  assert.match(types.bool!, /Bool/);
  assert.match(types.day!, /Date/);
  assert.match(types.ts!, /Timestamp/);
  assert.match(types.st!, /Struct/);
  assert.match(types.arr!, /List/);
  assert.match(types.mp!, /Map/);

  // The same values, computed by Spark without the bridge, for comparison.
  const first = Number(forward!.getChild('i64')!.get(0));
  const expected = await (
    await spark.sql(`select ${COLUMNS.join(', ')} from (select id as value from range(${first}, ${first + forward!.numRows}))`)
  ).collect();
  assert.equal(rows(forward!), rows(expected), 'forward values equal Spark’s own');

  // Reverse: the Arrow table back into Spark through the connector's source.
  const reverse = await toSparkStreaming([forward!], spark, {
    format: 'memory',
    queryName: 'drls_types_back',
    trigger: { processingTime: '200 milliseconds' },
  });
  await reverse.handle.stop({ timeoutMs: 60_000 });
  const back = await (await spark.sql('select * from drls_types_back order by i64')).collect();
  assert.equal(typeNames(back), typeNames(expected), 'Spark read back the same types');
  assert.equal(rows(back), rows(expected), 'and the same values');
});

/** Columns the connector writes on its flat fast path, each with nulls in its own rows. */
const FLAT = [
  'value as id',
  'if(value % 3 = 0, null, cast(value % 100 as tinyint)) as i8',
  'if(value % 3 = 1, null, cast(value % 30000 as smallint)) as i16',
  'if(value % 4 = 0, null, cast(value as int)) as i32',
  'if(value % 5 = 0, null, value * 1000003) as i64',
  'if(value % 3 = 2, null, cast(value / 4 as float)) as f32',
  'if(value % 6 = 0, null, cast(value as double) / 8) as f64',
  "if(value % 7 = 0, null, if(value % 2 = 0, '', concat('s-', value))) as str",
  // Long enough that a batch outgrows the string buffer's first allocation.
  "if(value % 7 = 3, null, repeat(concat('long-', value), 40)) as long_str",
  "if(value % 5 = 2, null, cast(concat('b-', value) as binary)) as bin",
  'if(value % 4 = 1, null, value % 2 = 0) as bool',
  "if(value % 9 = 0, null, date_add(date'2024-02-28', cast(value as int))) as day",
  'if(value % 8 = 0, null, timestamp_seconds(1700000000 + value)) as ts',
];

test('flat columns with nulls arrive as Spark computes them', async () => {
  const spark = await getSpark();
  const df = spark.readStream.format('rate').option('rowsPerSecond', 3000).option('numPartitions', 1).load().selectExpr(...FLAT);
  const { iterator, handle } = await fromSparkStreaming(df, { trigger: { processingTime: '300 milliseconds' } });
  const { Table: ArrowTable } = await import('apache-arrow');
  let forward: Table | undefined;
  for await (const micro of iterator.microBatches()) {
    const batches = micro.partitions.flatMap((p) => [...p.batches]).filter((b) => b.numRows > 0);
    const table = new ArrowTable(batches);
    if (table.numRows >= 500) {
      forward = table;
      break;
    }
  }
  await handle.stop({ timeoutMs: 5000 }).catch(() => undefined);
  assert.ok(forward, 'a micro-batch of at least 500 rows arrived');
  const first = Number(forward!.getChild('id')!.get(0));
  const expected = await (
    await spark.sql(`select ${FLAT.join(', ')} from (select id as value from range(${first}, ${first + forward!.numRows}))`)
  ).collect();
  assert.equal(typeNames(forward!), typeNames(expected));
  assert.equal(rows(forward!), rows(expected));
});

test.run();
