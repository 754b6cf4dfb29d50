import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { StreamCoordinator } from '../../../streaming.js';
import { streamBridge } from '../../../bridge/streaming/stream-bridge.js';
import { CoordinatorSink } from '../../../bridge/streaming/coordinator-sink.js';
import { getSpark } from '../../support/spark.js';
import { scratchDir } from '../../support/scratch.js';
import { killOneAttemptMidWrite } from '../../support/killing-sink.js';

const test = suite('a task killed mid-write (real Spark)');

test('the killed attempt’s data is dropped and its retry delivered: every row exactly once', async () => {
  const spark = await getSpark(); // local[2,2]: a failed task is retried once
  const dir = await scratchDir('drls-retry-');
  await (await spark.sql('select id as value from range(0, 6000, 1, 6)')).write.mode('overwrite').parquet(join(dir, 'data'));

  const coordinator = StreamCoordinator.create({ streamId: 'task-retry' });
  const real = new CoordinatorSink(coordinator);
  // The first attempt of one task of epoch 1 dies after three of its frames were accepted.
  const { sink, killed } = killOneAttemptMidWrite(real);
  const bridge = streamBridge();
  const registration = await bridge.register(coordinator.streamId, { sink });
  const iterator = coordinator.iterator();
  const query = await spark.readStream
    .format('parquet')
    .schema('value BIGINT')
    .option('maxFilesPerTrigger', 1)
    .load(join(dir, 'data'))
    .writeStream.format('drls')
    .options({ ...registration.connectorOptions(), useJvmSink: 'true', maxRowsPerBatch: '100' })
    .checkpointLocation(join(dir, 'checkpoint'))
    .trigger({ availableNow: true })
    .start();
  const ended = query.awaitTermination().then(() => coordinator.complete());

  const seen: number[] = [];
  for await (const batch of iterator) for (const v of batch.getChild('value')!.toArray() as BigInt64Array) seen.push(Number(v));
  await ended;
  await bridge.unregister(coordinator.streamId);
  coordinator.stop();

  assert.ok(killed(), 'an attempt was killed mid-write');
  seen.sort((a, b) => a - b);
  assert.is(seen.length, 6000);
  assert.equal(seen, Array.from({ length: 6000 }, (_, i) => i));
});

test.run();
