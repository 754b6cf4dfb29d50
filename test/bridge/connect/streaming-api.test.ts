// Streaming with the expression API: a watermarked windowed aggregation into the memory sink
// against the same query in SQL, dropDuplicatesWithinWatermark, awaitAnyTermination.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SparkSession, type DataFrame, type StreamingQuery } from '../../../bridge/connect/index.js';
import { localServer, sparkHome } from '../../../bridge/spark/index.js';
import { col, functions as F, lit, SparkError, StreamingQueryFailedError } from '../../../index.js';
import { getSpark } from '../../support/spark.js';
import { assertSame, resultOf } from './oracle.js';

const test = suite('streaming with the expression API');

let dir = '';
let events = '';

const at = (second: number): string => new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString();

test.before(async () => {
  const spark = await getSpark();
  await spark.conf.set('spark.sql.shuffle.partitions', 2);
  dir = mkdtempSync(join(tmpdir(), 'drls-stream-api-'));
  events = join(dir, 'events');
  mkdirSync(events);
  // One file, so one data batch; the no-data batch after it moves the watermark (max 45s - 5s
  // = 40s) and closes the windows ending by then. The 2s event arrives late but its window is open.
  const rows: [number, string, number][] = [
    [1, 'a', 1], [3, 'b', 2], [7, 'a', 3], [12, 'c', 4], [14, 'a', 5], [21, 'b', 6], [2, 'a', 100], [45, 'z', 7],
  ];
  writeFileSync(join(events, 'part-0.json'), rows.map(([s, user, amount]) => JSON.stringify({ ts: at(s), user, amount })).join('\n'));
});

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function source(spark: SparkSession): DataFrame {
  return spark.readStream.schema('ts TIMESTAMP, user STRING, amount INT').json(events);
}

async function runToEnd(df: DataFrame, name: string, outputMode: 'append' | 'complete' = 'append'): Promise<StreamingQuery> {
  const q = await df.writeStream
    .format('memory')
    .queryName(name)
    .outputMode(outputMode)
    .trigger({ availableNow: true })
    .checkpointLocation(join(dir, `chk-${name}`))
    .start();
  assert.is(await q.awaitTermination({ timeoutMs: 120_000 }), true, `${name} ended`);
  return q;
}

async function sinkRows(spark: SparkSession, name: string): Promise<ReturnType<typeof resultOf>> {
  return resultOf(await (await spark.sql(`SELECT * FROM ${name}`)).collect(), false);
}

test('oracle: a watermarked windowed aggregation into the memory sink equals the SQL one', async () => {
  const spark = await getSpark();
  const api = source(spark)
    .withWatermark('ts', '5 seconds')
    .groupBy(F.window('ts', '10 seconds'))
    .agg(F.sum('amount').alias('total'), F.count().alias('n'), F.sortArray(F.collectSet('user')).alias('users'))
    .select(col('window.start').alias('start'), col('window.end').alias('end'), 'total', 'n', 'users');
  await source(spark).createOrReplaceTempView('drls_x_events');
  // Spark 4.1 has SQL's WATERMARK clause; on 4.0 the view carries the watermark instead.
  const [major = 0, minor = 0] = spark.version.split('.').map(Number);
  const hasWatermarkClause = major > 4 || (major === 4 && minor >= 1);
  if (!hasWatermarkClause) await source(spark).withWatermark('ts', '5 seconds').createOrReplaceTempView('drls_x_events');
  const sql = await spark.sql(
    `SELECT window.start AS start, window.end AS end, sum(amount) AS total, count(1) AS n, sort_array(collect_set(user)) AS users
     FROM drls_x_events ${hasWatermarkClause ? 'WATERMARK ts DELAY OF INTERVAL 5 SECONDS' : ''} GROUP BY window(ts, '10 seconds')`,
  );
  assert.is(await api.isStreaming(), true);
  await Promise.all([runToEnd(api, 'drls_x_win_api'), runToEnd(sql, 'drls_x_win_sql')]);
  const [a, s] = await Promise.all([sinkRows(spark, 'drls_x_win_api'), sinkRows(spark, 'drls_x_win_sql')]);
  assertSame({ name: 'windowed aggregation' }, a, s);
  // Append mode emits only the windows the watermark (40s) closed: [0,10), [10,20), [20,30).
  assert.equal(
    a.rows.map((r) => [r[2], r[3]]),
    [['106n', '4n'], ['9n', '2n'], ['6n', '1n']],
  );
});

test('oracle: a stateless streaming projection equals the SQL one', async () => {
  const spark = await getSpark();
  const api = source(spark)
    .filter(col('amount').lt(50))
    .select(F.upper('user').alias('u'), col('amount').multiply(2).alias('twice'), F.dateFormat('ts', 'ss').alias('sec'));
  await source(spark).createOrReplaceTempView('drls_x_events_plain');
  const sql = await spark.sql(`SELECT upper(user) AS u, amount * 2 AS twice, date_format(ts, 'ss') AS sec FROM drls_x_events_plain WHERE amount < 50`);
  await Promise.all([runToEnd(api, 'drls_x_proj_api'), runToEnd(sql, 'drls_x_proj_sql')]);
  const [a, s] = await Promise.all([sinkRows(spark, 'drls_x_proj_api'), sinkRows(spark, 'drls_x_proj_sql')]);
  assertSame({ name: 'stateless projection' }, a, s);
  assert.is(a.rows.length, 7);
});

test('dropDuplicatesWithinWatermark keeps the first event of each user within the delay', async () => {
  const spark = await getSpark();
  const q = await runToEnd(source(spark).withWatermark('ts', '5 seconds').dropDuplicatesWithinWatermark('user'), 'drls_x_dedup');
  const rows = (await (await spark.sql('SELECT user FROM drls_x_dedup')).collect()).getChild('user')!.toArray() as string[];
  // One data batch: each user once (a, b, c, z), whatever the delay between their events.
  assert.equal([...rows].sort(), ['a', 'b', 'c', 'z']);
  assert.is(await q.isActive(), false);
});

test('dropDuplicatesWithinWatermark on a Spark whose protos lack it is a typed error naming the version', async () => {
  const spark = await getSpark();
  const protos = join(dir, 'old-protos');
  cpSync(join(sparkHome(spark.version), 'protos'), protos, { recursive: true });
  const relations = join(protos, 'spark', 'connect', 'relations.proto');
  const stripped = readFileSync(relations, 'utf8').replace(/^\s*optional bool within_watermark = \d+;$/m, '');
  assert.ok(!stripped.includes('within_watermark ='), 'the field was removed from the copy');
  writeFileSync(relations, stripped);
  const token = localServer()?.token;
  const old = await SparkSession.connect({ remote: spark.remote, protosDir: protos, ...(token ? { token } : {}) });
  try {
    const df = old.range(3);
    assert.is(await df.dropDuplicates().count(), 3, 'the rest of the client works on those protos');
    try {
      df.dropDuplicatesWithinWatermark();
      assert.unreachable('should have thrown');
    } catch (err) {
      assert.instance(err, SparkError);
      assert.match((err as SparkError).message, `Spark ${spark.version}`);
      assert.match((err as SparkError).message, 'dropDuplicatesWithinWatermark');
    }
  } finally {
    await old.stop();
  }
});

test('awaitAnyTermination: true when a query ends, false on timeout, typed error when it failed', async () => {
  const spark = await getSpark();
  await spark.streams.resetTerminated();
  assert.is(await spark.streams.awaitAnyTermination({ timeoutMs: 200 }), false, 'nothing ended since the reset');
  const done = await source(spark).select('user').writeStream.format('memory').queryName('drls_x_any_ok').trigger({ availableNow: true }).start();
  assert.is(await spark.streams.awaitAnyTermination({ timeoutMs: 120_000 }), true);
  await done.awaitTermination();
  await spark.streams.resetTerminated();
  const failing = await spark.readStream
    .format('rate')
    .option('rowsPerSecond', 10)
    .load()
    .select(F.fn('raise_error', lit('drls-any-boom')).alias('x'))
    .writeStream.format('memory')
    .queryName('drls_x_any_bad')
    .start();
  try {
    await spark.streams.awaitAnyTermination({ timeoutMs: 120_000 });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, StreamingQueryFailedError);
    assert.is((err as StreamingQueryFailedError).queryId, failing.id);
    assert.match((err as Error).message, 'drls-any-boom');
  }
  await spark.streams.resetTerminated();
});

test.run();
