import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Field, Int64, Schema, Table, makeVector } from 'apache-arrow';
import { toSparkStreaming } from '../../../streaming.js';
import { StreamUnreadError, type DrlsError, type SparkSession, type StreamingQuery } from '../../../index.js';
import { offsetBatchId } from '../../../bridge/streaming/source-offsets.js';
import { getSpark } from '../../support/spark.js';
import { deferred } from '../../support/deferred.js';
import { statsUntil, until } from '../../support/gate.js';
import { scratchDir } from '../../support/scratch.js';

// A reverse stream read by a query the user starts on `df` (not by `format`): Spark commits a
// source's batch only when it plans the next micro-batch, which a query that ended or was stopped
// never does. The connector acknowledges what the query's checkpoint says was committed when Spark
// stops the source, so handle.stop() knows what was read, and what was not.
const test = suite('toSparkStreaming read by the user’s own query (real Spark)');

const schema = new Schema([new Field('value', new Int64(), true)]);

/** Rows 100·i … 100·i + 99. */
function hundred(i: number): Table {
  return new Table({ value: makeVector(BigInt64Array.from({ length: 100 }, (_, j) => BigInt(i * 100 + j))) });
}

/** count, distinct count, min and max of `value` in a table. */
async function summary(spark: SparkSession, table: string): Promise<number[]> {
  const t = await (await spark.sql(`select count(*) as n, count(distinct value) as d, min(value) as lo, max(value) as hi from ${table}`)).collect();
  const row = t.toArray()[0] as { n: bigint; d: bigint; lo: bigint | null; hi: bigint | null };
  return [row.n, row.d, row.lo ?? -1n, row.hi ?? -1n].map(Number);
}

/** The coordinator batch id the query's last progress says it read through (-1 before any). */
async function readThrough(query: StreamingQuery): Promise<number> {
  const progress = await query.lastProgress();
  return Math.max(-1, ...(progress?.sources ?? []).map((s) => offsetBatchId(s['endOffset']) ?? -1));
}

test('an availableNow query of the user reads every batch and ends: handle.stop() is done at once', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-available-now-');
  const { df, handle } = await toSparkStreaming([0, 1, 2, 3, 4].map(hundred), spark, { schema });
  // AvailableNow reads what the stream holds when the query starts.
  await statsUntil(handle.coordinator, 'holds all five batches', (s) => s.batchesPublished === 5);
  const query = await df.writeStream.format('memory').queryName('drls_available_now').trigger({ availableNow: true }).checkpointLocation(join(dir, 'checkpoint')).start();
  assert.ok(await query.awaitTermination({ timeoutMs: 120_000 }), 'the query ended by itself');
  // Spark stopped the source before awaitTermination returned, and the source acknowledged the
  // last batch then: nothing is left to wait for, so even a 1 ms timeout is enough.
  await handle.stop({ timeoutMs: 1 });
  assert.not.ok(handle.coordinator.alive);
  assert.equal(await summary(spark, 'drls_available_now'), [500, 500, 0, 499]);
});

test('with a temporary checkpoint too: the source reads it before Spark deletes it', async () => {
  const spark = await getSpark();
  const { df, handle } = await toSparkStreaming([0, 1, 2].map(hundred), spark, { schema });
  await statsUntil(handle.coordinator, 'holds all three batches', (s) => s.batchesPublished === 3);
  const query = await df.writeStream.format('noop').trigger({ availableNow: true }).start();
  assert.ok(await query.awaitTermination({ timeoutMs: 120_000 }), 'the query ended by itself');
  await handle.stop({ timeoutMs: 1 });
  assert.not.ok(handle.coordinator.alive);
});

test('two streams read by one availableNow query: each source finds its own offset in the checkpoint', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-available-now-union-');
  const first = await toSparkStreaming([0, 1, 2].map(hundred), spark, { schema });
  const second = await toSparkStreaming([10, 11].map(hundred), spark, { schema });
  await statsUntil(first.handle.coordinator, 'holds its three batches', (s) => s.batchesPublished === 3);
  await statsUntil(second.handle.coordinator, 'holds its two batches', (s) => s.batchesPublished === 2);
  const query = await first.df.union(second.df).writeStream.format('memory').queryName('drls_available_now_union').trigger({ availableNow: true }).checkpointLocation(join(dir, 'checkpoint')).start();
  assert.ok(await query.awaitTermination({ timeoutMs: 120_000 }), 'the query ended by itself');
  await first.handle.stop({ timeoutMs: 1 });
  await second.handle.stop({ timeoutMs: 1 });
  assert.equal(await summary(spark, 'drls_available_now_union'), [500, 500, 0, 1199]);
});

test('a query of the user stopped after reading part: handle.stop() still names exactly the batches never read', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-stopped-part-');
  const second = deferred();
  const rest = deferred();
  async function* source() {
    yield hundred(0);
    await second.promise; // a micro-batch of its own
    yield hundred(1);
    await rest.promise; // held until the query has stopped, so it can never read these
    for (let i = 2; i < 5; i++) yield hundred(i);
  }
  const { df, handle } = await toSparkStreaming(source(), spark, { schema });
  const query = await df.writeStream.format('memory').queryName('drls_stopped_part').trigger({ processingTime: '200 milliseconds' }).checkpointLocation(join(dir, 'checkpoint')).start();
  await until('the query read batch 0', () => readThrough(query), (through) => through === 0);
  second.resolve();
  await until('the query read batch 1', () => readThrough(query), (through) => through === 1);
  // Spark committed batch 0 to the source when it planned the micro-batch of batch 1; batch 1
  // it would commit only with a next micro-batch, which this stopped query never plans.
  await query.stop();
  rest.resolve();
  await statsUntil(handle.coordinator, 'holds the three batches nobody reads', (s) => s.batchesPublished === 5);
  const err = await handle.stop({ timeoutMs: 1 }).then(
    () => null,
    (e: DrlsError) => e,
  );
  assert.instance(err, StreamUnreadError);
  assert.is((err as StreamUnreadError).unreadBatches, 3, 'batches 2 to 4: batch 1, which the query read, is not among them');
  assert.not.ok(handle.coordinator.alive, 'the stream is released all the same');
  assert.equal(await summary(spark, 'drls_stopped_part'), [200, 200, 0, 199]);
});

test.run();
