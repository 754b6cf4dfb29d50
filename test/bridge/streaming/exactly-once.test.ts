import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fromSparkStreaming, type MicroBatch } from '../../../streaming.js';
import { getSpark } from '../../support/spark.js';
import { scratchDir } from '../../support/scratch.js';
import { producerHeldBack, streamComplete } from '../../support/gate.js';

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
  const takeMicro = (micro: MicroBatch): void => {
    for (const p of micro.partitions) for (const b of p.batches) take(b.getChild('value')!.toArray() as BigInt64Array);
  };

  // First run, gated. The coordinator holds one micro-batch, and a Spark epoch reserves room for
  // its data in Node before its commit can publish it: while the buffer is full, Spark's next
  // epoch waits in Node, inside Spark's commit, and Spark plans nothing further.
  const first = await fromSparkStreaming(stream(), {
    streamId: 'restart',
    checkpointLocation,
    trigger: { processingTime: '200 milliseconds' },
    maxBufferedBatches: 1,
  });
  // The gate: one micro-batch per round trip, kept (and so the buffer full) until the next pull.
  const gate = first.coordinator.iterator({ prefetch: 1 });
  let lastTaken = -1;
  for (let epochs = 0; epochs < 2; epochs++) {
    const next = await gate.pull();
    if (next.kind !== 'batch') throw new Error(`the first run ended after ${epochs} epoch(s), before the gate closed`);
    takeMicro(next.batch);
    lastTaken = next.batch.batchId;
  }
  // Shut the gate. With no consumer nothing is collected, so the micro-batch taken last keeps the
  // buffer full, and Spark's third epoch cannot get in. Wait until it is seen waiting there.
  await gate.close();
  const held = await producerHeldBack(first.coordinator);
  assert.is(held.batchesPublished, 2, `nothing past the two epochs taken was published (${JSON.stringify(held)})`);

  // stop() while Spark's epoch is held, with a reader still registered (as one still busy with
  // its last micro-batch would be): it resumes at the micro-batch the gate held, so registering
  // it makes no room. stop() lets it take what is left once Spark's query is stopped.
  const reader = first.coordinator.iterator({ prefetch: 1, startBatchId: lastTaken });
  await reader.ready();
  const stopped = first.handle.stop({ timeoutMs: 30_000 });
  // stop() stops Spark's query and completes the stream before it waits for readers: only then
  // does this reader go on, so the held epoch is released into a stopped stream, never a live one.
  const complete = await streamComplete(first.coordinator);
  assert.is(complete.batchesPublished, 2, `nothing was published while the query stopped (${JSON.stringify(complete)})`);
  for (let next = await reader.pull(); next.kind === 'batch'; next = await reader.pull()) {
    if (next.batch.batchId > lastTaken) takeMicro(next.batch); // the gate took the earlier ones
  }
  await reader.close();
  await stopped;
  const firstRun = seen.length;
  assert.not.ok(first.coordinator.alive, "stop() stopped the first run's coordinator");
  assert.ok(firstRun > 0 && firstRun < 6000, `first run delivered part of the data (${firstRun})`);

  // Second run on the same checkpoint: picks up where Spark's commit log says, to the end.
  const second = await fromSparkStreaming(stream(), { streamId: 'restart', checkpointLocation, trigger: { availableNow: true } });
  for await (const batch of second.iterator) take(batch.getChild('value')!.toArray() as BigInt64Array);
  second.coordinator.stop();

  seen.sort((a, b) => a - b);
  const dupes = seen.filter((v, i) => i > 0 && seen[i - 1] === v);
  const present = new Set(seen);
  const missing = Array.from({ length: 6000 }, (_, i) => i).filter((v) => !present.has(v));
  assert.is(
    seen.length,
    6000,
    `no row lost or delivered twice (first run ${firstRun} rows; ${dupes.length} duplicates from ${dupes[0]} to ${dupes.at(-1)}; ${missing.length} missing from ${missing[0]} to ${missing.at(-1)})`,
  );
  assert.equal(seen, Array.from({ length: 6000 }, (_, i) => i));
});

test.run();
