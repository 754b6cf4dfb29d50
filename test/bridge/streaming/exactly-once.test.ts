import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fromSparkStreaming } from '../../../streaming.js';
import { getSpark } from '../../support/spark.js';
import { scratchDir } from '../../support/scratch.js';

const test = suite('exactly-once across a restart (real Spark)');

test('a query stopped mid-stream and restarted from its checkpoint delivers every row exactly once', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-restart-');
  await (await spark.sql('select id as value from range(0, 6000, 1, 6)')).write.mode('overwrite').parquet(join(dir, 'data'));
  const checkpointLocation = join(dir, 'checkpoint');
  const stream = () =>
    spark.readStream.format('parquet').schema('value BIGINT').option('maxFilesPerTrigger', 1).load(join(dir, 'data'));
  const seen: number[] = [];
  const take = (values: BigInt64Array): void => {
    for (const v of values) seen.push(Number(v));
  };

  // First run: stop after two epochs.
  const first = await fromSparkStreaming(stream(), { streamId: 'restart', checkpointLocation, trigger: { processingTime: '200 milliseconds' } });
  let epochs = 0;
  let stopped: Promise<void> | undefined;
  for await (const micro of first.iterator.microBatches()) {
    for (const p of micro.partitions) for (const b of p.batches) take(b.getChild('value')!.toArray() as BigInt64Array);
    if (++epochs === 2) stopped = first.query.stop({ drainTimeoutMs: 30_000 });
  }
  await stopped;
  const firstRun = seen.length;
  assert.ok(firstRun > 0 && firstRun < 6000, `first run delivered part of the data (${firstRun})`);

  // Second run on the same checkpoint: picks up where Spark's commit log says, to the end.
  const second = await fromSparkStreaming(stream(), { streamId: 'restart', checkpointLocation, trigger: { availableNow: true } });
  for await (const batch of second.iterator) take(batch.getChild('value')!.toArray() as BigInt64Array);
  second.coordinator.remove();

  seen.sort((a, b) => a - b);
  const dupes = seen.filter((v, i) => i > 0 && seen[i - 1] === v);
  assert.is(seen.length, 6000, `no row lost or delivered twice (first run ${firstRun} rows, ${dupes.length} duplicates from ${dupes[0]} to ${dupes.at(-1)})`);
  assert.equal(seen, Array.from({ length: 6000 }, (_, i) => i));
});

test.run();
