import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Table, makeVector, tableFromArrays, vectorFromArray, Utf8 } from 'apache-arrow';
import { StreamCoordinator, toSparkStreaming } from '../../../streaming.js';
import { join } from 'node:path';
import { StreamUnreadError, StreamingQueryFailedError, type DrlsError, type SparkSession } from '../../../index.js';
import { getSpark } from '../../support/spark.js';
import { deferred } from '../../support/deferred.js';
import { statsUntil, until } from '../../support/gate.js';
import { scratchDir } from '../../support/scratch.js';

const test = suite('toSparkStreaming (real Spark)');

test('10,000 known rows reach Spark’s memory sink exactly once', async () => {
  const spark = await getSpark();
  function* source() {
    for (let i = 0; i < 10; i++) {
      // Plain Utf8 strings: tableFromArrays would dictionary-encode them, which Spark cannot read.
      yield new Table({
        value: makeVector(BigInt64Array.from({ length: 1000 }, (_, j) => BigInt(i * 1000 + j))),
        label: vectorFromArray(Array.from({ length: 1000 }, (_, j) => `row-${i * 1000 + j}`), new Utf8()),
      });
    }
  }
  const { handle, query } = await toSparkStreaming(source(), spark, {
    format: 'memory',
    queryName: 'drls_reverse_exact',
    trigger: { processingTime: '200 milliseconds' },
  });
  assert.ok(query, 'format given: the write started at once');
  await handle.stop({ timeoutMs: 60_000 });
  const t = await (
    await spark.sql(
      "select count(*) as n, count(distinct value) as d, min(value) as lo, max(value) as hi, sum(case when label = concat('row-', value) then 1 else 0 end) as ok from drls_reverse_exact",
    )
  ).collect();
  const row = t.toArray()[0] as { n: bigint; d: bigint; lo: bigint; hi: bigint; ok: bigint };
  assert.equal([row.n, row.d, row.lo, row.hi, row.ok].map(Number), [10_000, 10_000, 0, 9_999, 10_000]);
  assert.is(handle.producerError, null);
  assert.not.ok(handle.coordinator.alive);
});

test('a source that throws fails the stream; the handle reports the producer’s error', async () => {
  const spark = await getSpark();
  async function* source() {
    yield tableFromArrays({ value: BigInt64Array.from([1n, 2n]) });
    throw new Error('source exploded');
  }
  const { handle, df } = await toSparkStreaming(source(), spark);
  assert.ok(await df.isStreaming());
  await handle.coordinator.waitForDrain({ timeoutMs: 30_000 }).catch(() => undefined);
  assert.match(handle.producerError?.message ?? '', 'source exploded');
  await handle.stop({ timeoutMs: 1000 }).catch(() => undefined);
});

test('a refused source leaves no coordinator behind: the stream id is free again', async () => {
  const spark = await getSpark();
  const single = tableFromArrays({ value: BigInt64Array.from([1n]) });
  const err = await toSparkStreaming(single as never, spark, { streamId: 'refused-source' }).then(
    () => null,
    (e: DrlsError) => e,
  );
  assert.is(err?.code, 'DRLS_INVALID_ARGUMENT');
  const { handle } = await toSparkStreaming([single], spark, { streamId: 'refused-source' });
  await handle.stop({ timeoutMs: 1000 }).catch(() => undefined);
});

test('a bad timeoutMs is refused, and a later stop() still stops the stream', async () => {
  const spark = await getSpark();
  const { handle } = await toSparkStreaming([tableFromArrays({ value: BigInt64Array.from([1n]) })], spark);
  const err = await handle.stop({ timeoutMs: -1 }).then(
    () => null,
    (e: DrlsError) => e,
  );
  assert.is(err?.code, 'DRLS_INVALID_ARGUMENT');
  assert.match(err!.message, 'timeoutMs');
  assert.ok(handle.coordinator.alive, 'nothing was stopped yet');
  await handle.stop({ timeoutMs: 1000 }).catch(() => undefined); // nobody reads it: the drain times out
  assert.not.ok(handle.coordinator.alive);
  assert.throws(() => StreamCoordinator.get(handle.streamId), (e: DrlsError) => e.code === 'DRLS_UNKNOWN_STREAM');
});

/** Rows 1000·i … 1000·i + 999 as one table, strings plain Utf8 (see the first test). */
function thousand(i: number): Table {
  return new Table({ value: makeVector(BigInt64Array.from({ length: 1000 }, (_, j) => BigInt(i * 1000 + j))) });
}

/** Rows in a table or query (`from` is what follows FROM); 0 while a parquet folder has no file yet. */
async function rowCount(spark: SparkSession, from: string): Promise<number> {
  try {
    const t = await (await spark.sql(`select count(*) as n from ${from}`)).collect();
    return Number((t.toArray()[0] as { n: bigint }).n);
  } catch {
    return 0;
  }
}

/** Resolves once `from` holds `rows` rows: the query gets there by itself, bounded by `until`. */
async function rowsReach(spark: SparkSession, from: string, rows: number): Promise<void> {
  await until(`${from} holds ${rows} rows`, () => rowCount(spark, from), (n) => n >= rows);
}

test('stopping the query does not end the stream: a query restarted on its checkpoint resumes it, exactly once', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-reverse-restart-');
  const out = join(dir, 'out');
  const checkpoint = join(dir, 'checkpoint');
  const secondHalf = deferred();
  async function* source() {
    for (let i = 0; i < 3; i++) yield thousand(i);
    await secondHalf.promise; // held until the first query has stopped
    for (let i = 3; i < 6; i++) yield thousand(i);
  }
  const { df, handle, query } = await toSparkStreaming(source(), spark, {
    format: 'parquet',
    options: { path: out },
    checkpointLocation: checkpoint,
    trigger: { processingTime: '200 milliseconds' },
  });
  const files = `parquet.\`${out}\``;
  await rowsReach(spark, files, 3000);
  assert.is(await rowCount(spark, files), 3000, 'the source holds the rest back');
  await query!.stop();
  assert.ok(handle.coordinator.alive && !(await handle.coordinator.getStats()).complete, 'the stream is still open');
  secondHalf.resolve();
  const again = await df.writeStream.format('parquet').option('path', out).checkpointLocation(checkpoint).trigger({ processingTime: '200 milliseconds' }).start();
  await rowsReach(spark, files, 6000);
  await handle.stop({ timeoutMs: 60_000 });
  await again.stop();
  const t = await (await spark.sql(`select count(*) as n, count(distinct value) as d, min(value) as lo, max(value) as hi from parquet.\`${out}\``)).collect();
  const row = t.toArray()[0] as { n: bigint; d: bigint; lo: bigint; hi: bigint };
  assert.equal([row.n, row.d, row.lo, row.hi].map(Number), [6000, 6000, 0, 5999]);
});

test('a stream recreated under the same id fails a query restarted on the old checkpoint, naming both incarnations', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-recreated-');
  const out = join(dir, 'out');
  const files = `parquet.\`${out}\``;
  const checkpointLocation = join(dir, 'checkpoint');
  const write = { streamId: 'recreated', format: 'parquet', options: { path: out }, checkpointLocation, trigger: { processingTime: '200 milliseconds' } } as const;
  const first = await toSparkStreaming([thousand(0), thousand(1), thousand(2)], spark, write);
  await rowsReach(spark, files, 3000);
  await first.handle.stop({ timeoutMs: 60_000 });
  // The same id again: its batch ids start at 0 again, below the checkpoint's offset (batch 2).
  const second = await toSparkStreaming([thousand(10), thousand(11)], spark, write);
  const failure = await second.query!.awaitTermination({ timeoutMs: 120_000 }).then(
    (ended) => (ended ? null : new Error('the query neither failed nor ended')),
    (e: Error) => e,
  );
  assert.instance(failure, StreamingQueryFailedError);
  assert.match(failure!.message, /checkpoint is at batch 2 of stream incarnation [\w-]+, but the stream is now incarnation [\w-]+/);
  assert.match(failure!.message, 'incarnationChange=restart');
  await second.handle.stop({ timeoutMs: 1 }).catch((e: DrlsError) => assert.is(e.code, 'DRLS_STREAM_UNREAD'));
  assert.is(await rowCount(spark, files), 3000, 'nothing of the new stream was skipped or written');
});

test('handle.stop() after the reading query stopped answers at once: done when Spark read everything', async () => {
  const spark = await getSpark();
  const { handle, query } = await toSparkStreaming([thousand(0), thousand(1)], spark, { format: 'memory', queryName: 'drls_read_then_stopped', trigger: { processingTime: '200 milliseconds' } });
  await rowsReach(spark, 'drls_read_then_stopped', 2000);
  await query!.stop();
  // A 1 ms timeout: waiting for a reader that has stopped could only time out; this answers without waiting.
  await handle.stop({ timeoutMs: 1 });
  assert.not.ok(handle.coordinator.alive);
});

test('handle.stop() after the reading query stopped answers at once: how many batches were never read', async () => {
  const spark = await getSpark();
  const rest = deferred();
  async function* source() {
    yield thousand(0);
    await rest.promise;
    yield thousand(1);
    yield thousand(2);
  }
  const { handle, query } = await toSparkStreaming(source(), spark, { format: 'memory', queryName: 'drls_stopped_early', trigger: { processingTime: '200 milliseconds' } });
  await rowsReach(spark, 'drls_stopped_early', 1000);
  await query!.stop();
  rest.resolve();
  await statsUntil(handle.coordinator, 'holds the two batches nobody reads', (s) => s.batchesPublished === 3);
  const err = await handle.stop({ timeoutMs: 1 }).then(() => null, (e: DrlsError) => e);
  assert.instance(err, StreamUnreadError);
  assert.is((err as StreamUnreadError).unreadBatches, 2);
  assert.match(err!.message, 'was stopped');
  assert.not.ok(handle.coordinator.alive, 'the stream is released all the same');
});

test('a second query on a stream the first has committed from fails, saying a stream feeds one query', async () => {
  const spark = await getSpark();
  const more = deferred();
  async function* source() {
    yield thousand(0);
    yield thousand(1);
    await more.promise; // the next micro-batch commits the first one's batches
    yield thousand(2);
  }
  const { df, handle, query } = await toSparkStreaming(source(), spark, { format: 'memory', queryName: 'drls_first_reader', trigger: { processingTime: '200 milliseconds' } });
  await rowsReach(spark, 'drls_first_reader', 2000);
  more.resolve();
  await rowsReach(spark, 'drls_first_reader', 3000);
  await until('Spark committed the first batches', () => handle.coordinator.getStats(), (s) => s.batchesGc > 0);
  const second = await df.writeStream.format('memory').queryName('drls_second_reader').start();
  const failure = await second.awaitTermination({ timeoutMs: 120_000 }).then(
    (ended) => (ended ? null : new Error('the second query neither failed nor ended')),
    (e: Error) => e,
  );
  assert.instance(failure, StreamingQueryFailedError);
  assert.match(failure!.message, 'DRLS_BATCH_COLLECTED');
  assert.match(failure!.message, 'feeds one query at a time');
  assert.is(await rowCount(spark, 'drls_first_reader'), 3000, 'the first query read every row once');
  await handle.stop({ timeoutMs: 60_000 });
  await query!.stop();
});

test.run();
