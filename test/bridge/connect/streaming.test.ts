import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type SparkSession } from '../../../bridge/connect/index.js';
import { StreamingQueryFailedError } from '../../../index.js';
import { getSpark } from '../../support/spark.js';

async function countOf(spark: SparkSession, table: string): Promise<number> {
  return (await spark.sql(`SELECT * FROM ${table}`)).count();
}

test('a rate stream into the memory sink: start, status, progress, query, stop', async () => {
  const spark = await getSpark();
  const source = spark.readStream.format('rate').option('rowsPerSecond', 1000).load();
  assert.is(await source.isStreaming(), true);
  const q = await source
    .selectExpr('value', 'value % 2 AS parity')
    .writeStream.format('memory')
    .queryName('drls_rate_q')
    .outputMode('append')
    .trigger({ processingTime: '200 milliseconds' })
    .start();
  try {
    assert.is(q.name, 'drls_rate_q');
    assert.match(q.id, /^[0-9a-f-]{36}$/);
    assert.is(await q.isActive(), true);
    assert.ok((await spark.streams.active()).some((a) => a.id === q.id));
    // The rate source's first micro-batch is empty; each processAllAvailable waits on the server.
    let rows = 0;
    for (let i = 0; i < 20 && rows === 0; i++) {
      await q.processAllAvailable();
      rows = await countOf(spark, 'drls_rate_q');
    }
    assert.ok(rows > 0, 'rows reached the memory sink');
    const last = await q.lastProgress();
    assert.ok(last, 'a progress was reported');
    assert.is(last.id, q.id);
    assert.ok(typeof last.batchId === 'number');
    assert.ok((await q.recentProgress()).length >= 1);
    const status = await q.status();
    assert.is(status.isActive, true);
    assert.is(await q.exception(), null);
    // Still running: a bounded wait returns false.
    assert.is(await q.awaitTermination({ timeoutMs: 300 }), false);
  } finally {
    await q.stop();
  }
  assert.is(await q.isActive(), false);
  assert.is(await q.awaitTermination(), true);
  assert.not.ok((await spark.streams.active()).some((a) => a.id === q.id));
});

test('a file stream over a folder of parquet files, availableNow, checkpointed', async () => {
  const spark = await getSpark();
  const dir = mkdtempSync(join(tmpdir(), 'drls-files-'));
  try {
    const input = join(dir, 'in');
    await spark.range(0, 50).write.mode('append').parquet(input);
    await spark.range(50, 120).write.mode('append').parquet(input);
    const q = await spark.readStream
      .schema('id BIGINT')
      .option('maxFilesPerTrigger', 1)
      .parquet(input)
      .writeStream.format('memory')
      .queryName('drls_files_q')
      .checkpointLocation(join(dir, 'chk'))
      .trigger({ availableNow: true })
      .start();
    assert.is(await q.awaitTermination({ timeoutMs: 120_000 }), true);
    assert.is(await countOf(spark, 'drls_files_q'), 120);
    const sum = await (await spark.sql('SELECT sum(id) AS s FROM drls_files_q')).collect();
    assert.is(sum.getChild('s')?.get(0), 7140n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing query rejects awaitTermination with a typed error', async () => {
  const spark = await getSpark();
  const q = await spark.readStream
    .format('rate')
    .option('rowsPerSecond', 10)
    .load()
    .selectExpr("raise_error('drls boom') AS x")
    .writeStream.format('memory')
    .queryName('drls_fail_q')
    .start();
  try {
    await q.awaitTermination({ timeoutMs: 120_000 });
    assert.unreachable('the query should fail');
  } catch (err) {
    assert.instance(err, StreamingQueryFailedError);
    assert.is((err as StreamingQueryFailedError).code, 'DRLS_STREAMING_QUERY_FAILED');
    assert.match((err as Error).message, 'drls boom');
    assert.is((err as StreamingQueryFailedError).errorClass, 'STREAM_FAILED');
  }
  assert.ok((await q.exception())?.message.includes('drls boom'));
});

test('writer options are validated at the edge', async () => {
  const spark = await getSpark();
  const w = spark.range(1).writeStream;
  assert.throws(() => w.trigger({} as never), /exactly one of/);
  assert.throws(() => w.outputMode('sometimes' as never), /outputMode\(\): mode must be one of/);
  assert.throws(() => spark.range(1).limit(-1), /limit\(n\)/);
});

test.run();
