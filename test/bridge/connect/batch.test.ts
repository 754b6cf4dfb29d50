import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bool, Float64, type Decimal, Int32, Int64, Table, Type, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SparkError } from '../../../index.js';
import { getSpark } from '../../support/spark.js';

function column(t: Table, name: string): Vector {
  const v = t.getChild(name);
  if (!v) throw new Error(`no column ${name}`);
  return v;
}

test('a batch SQL round trip brings every type back exactly', async () => {
  const spark = await getSpark();
  const df = await spark.sql(`
    SELECT CAST(7 AS INT) AS i, CAST(9007199254740993 AS BIGINT) AS l, CAST(1.5 AS DOUBLE) AS d,
           'héllo' AS s, true AS b, DATE'2024-02-29' AS dt,
           TIMESTAMP'2024-02-29 12:34:56.123456' AS ts, CAST(12345.67 AS DECIMAL(10,2)) AS dec,
           X'CAFE' AS bin, NULL AS n, named_struct('a', 1, 'b', 'x') AS st, array(1, 2, 3) AS arr,
           map('k', 1) AS m`);
  const t = await df.collect();
  assert.is(t.numRows, 1);
  assert.is(column(t, 'i').get(0), 7);
  assert.is(column(t, 'l').get(0), 9007199254740993n);
  assert.is(column(t, 'd').get(0), 1.5);
  assert.is(column(t, 's').get(0), 'héllo');
  assert.is(column(t, 'b').get(0), true);
  const dt = column(t, 'dt');
  assert.is(dt.type.typeId, Type.Date);
  assert.is(Number((dt.data[0]!.values as Int32Array)[0]), Date.UTC(2024, 1, 29) / 86_400_000);
  const ts = column(t, 'ts');
  assert.is(ts.type.typeId, Type.Timestamp);
  assert.is((ts.data[0]!.values as BigInt64Array)[0], BigInt(Date.UTC(2024, 1, 29, 12, 34, 56)) * 1000n + 123_456n);
  const dec = column(t, 'dec');
  assert.equal([(dec.type as Decimal).precision, (dec.type as Decimal).scale], [10, 2]);
  assert.is((dec.data[0]!.values as Uint32Array)[0], 1_234_567);
  assert.equal(Array.from(column(t, 'bin').get(0) as Uint8Array), [0xca, 0xfe]);
  assert.is(column(t, 'n').type.typeId, Type.Null);
  assert.is(column(t, 'n').get(0), null);
  assert.equal(column(t, 'st').get(0)?.toJSON(), { a: 1, b: 'x' });
  assert.equal(Array.from(column(t, 'arr').get(0) as Iterable<number>), [1, 2, 3]);
  assert.equal(column(t, 'm').get(0)?.toJSON(), { k: 1 });
  const schema = await df.schema();
  assert.equal(
    schema.fields.map((f) => `${f.name}:${f.dataType}`),
    ['i:int', 'l:bigint', 'd:double', 's:string', 'b:boolean', 'dt:date', 'ts:timestamp', 'dec:decimal(10,2)',
      'bin:binary', 'n:void', 'st:struct<a:int,b:string>', 'arr:array<int>', 'm:map<string,int>'],
  );
});

test('createDataFrame from an Arrow table comes back with equal values and types', async () => {
  const spark = await getSpark();
  const input = new Table({
    i: vectorFromArray([1, null, -3], new Int32()),
    l: vectorFromArray([2n ** 62n, -1n, null], new Int64()),
    d: vectorFromArray([0.1, Number.NaN, -1e300], new Float64()),
    s: vectorFromArray(['a', null, 'ü€😀'], new Utf8()),
    b: vectorFromArray([true, false, null], new Bool()),
  });
  const back = await spark.createDataFrame(input).collect();
  assert.equal(back.schema.fields.map((f) => String(f.type)), input.schema.fields.map((f) => String(f.type)));
  for (const f of input.schema.fields) {
    const a = column(input, f.name);
    const b = column(back, f.name);
    for (let r = 0; r < input.numRows; r++) assert.ok(Object.is(a.get(r), b.get(r)), `${f.name}[${r}]: ${a.get(r)} vs ${b.get(r)}`);
  }
});

test('transformations and actions: select, selectExpr, filter, withColumn, limit, count, show', async () => {
  const spark = await getSpark();
  const df = spark.range(100).withColumn('sq', 'id * id').where('id % 10 = 0').selectExpr('id', 'sq', 'sq + 1 AS next');
  assert.is(await df.count(), 10);
  // limit() without an order takes any 3 rows (with executors in their own JVMs, any partition's).
  const t = await df.select('next').limit(3).collect();
  const next = Array.from(column(t, 'next').toArray() as BigInt64Array);
  const all = Array.from({ length: 10 }, (_, i) => BigInt(i * 10) ** 2n + 1n);
  assert.is(new Set(next).size, 3);
  assert.ok(next.every((v) => all.includes(v)), `${next.join(', ')} are rows of the DataFrame`);
  assert.is(await df.isStreaming(), false);
  await df.createOrReplaceTempView('drls_squares');
  assert.is(await (await spark.sql('SELECT * FROM drls_squares WHERE id > 50')).count(), 4);
  const shown = await spark.range(2).show();
  assert.match(shown, '| id|');
});

test('invalid SQL is a typed error with Spark\'s error class', async () => {
  const spark = await getSpark();
  try {
    await spark.sql('SELEC 1');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, SparkError);
    assert.is((err as SparkError).code, 'DRLS_SPARK_ERROR');
    assert.is((err as SparkError).errorClass, 'PARSE_SYNTAX_ERROR');
    assert.is((err as SparkError).sqlState, '42601');
  }
  try {
    await (await spark.sql('SELECT no_such_column FROM range(1)')).collect();
    assert.unreachable();
  } catch (err) {
    assert.is((err as SparkError).errorClass, 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
  }
});

test('conf get/set and a batch write read back through read and table()', async () => {
  const spark = await getSpark();
  await spark.conf.set('spark.sql.shuffle.partitions', 3);
  assert.is(await spark.conf.get('spark.sql.shuffle.partitions'), '3');
  await spark.conf.set('spark.sql.shuffle.partitions', 2);
  assert.is(await spark.conf.get('drls.no.such.key'), undefined);
  assert.is(await spark.conf.get('drls.no.such.key', 'fallback'), 'fallback');

  const dir = mkdtempSync(join(tmpdir(), 'drls-write-'));
  try {
    await spark.range(5).write.mode('overwrite').parquet(join(dir, 'p'));
    assert.is(await spark.read.parquet(join(dir, 'p')).count(), 5);
    await spark.range(3).write.format('json').mode('overwrite').save(join(dir, 'j'));
    assert.is(await spark.read.schema('id BIGINT').json(join(dir, 'j')).count(), 3);
    await spark.range(4).write.mode('overwrite').saveAsTable('drls_batch_t');
    assert.is(await spark.table('drls_batch_t').count(), 4);
    await spark.sql('DROP TABLE drls_batch_t');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
