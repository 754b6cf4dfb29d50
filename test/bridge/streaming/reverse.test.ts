import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Table, makeVector, tableFromArrays, vectorFromArray, Utf8 } from 'apache-arrow';
import { StreamCoordinator, toSparkStreaming } from '../../../streaming.js';
import type { DrlsError } from '../../../runtime/base/index.js';
import { getSpark } from '../../support/spark.js';

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

test.run();
