import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Table, makeVector } from 'apache-arrow';
import { fromSparkStreaming, toSparkStreaming } from '../../../streaming.js';
import { streamBridge } from '../../../bridge/streaming/stream-bridge.js';
import { ActorRuntime } from '../../../runtime/index.js';
import { StreamCoordinator } from '../../../actors/index.js';
import { watchQuery } from '../../../bridge/streaming/query-watcher.js';
import type { DrlsError } from '../../../runtime/base/index.js';
import { getSpark } from '../../support/spark.js';
import { scratchDir } from '../../support/scratch.js';
import { RecordingSink } from '../endpoint/helpers.js';
import { testTls } from '../endpoint/tls-certs.js';

const test = suite('Spark over TLS (real Spark): the connector verifies the endpoint against the CA it is given');

/** Each test has a runtime of its own: a runtime's endpoint options count when its endpoint first starts. */
async function withRuntime(body: (runtime: ActorRuntime) => Promise<void>): Promise<void> {
  const runtime = new ActorRuntime();
  try {
    await body(runtime);
  } finally {
    runtime.shutdown();
  }
}

test('fromSparkStreaming with useJvmSink over TLS delivers every row exactly once', () =>
  withRuntime(async (runtime) => {
    const { tls } = await testTls();
    const spark = await getSpark();
    const dir = await scratchDir('drls-tls-files-');
    await (await spark.sql('select id as value from range(0, 20000, 1, 4)')).write.mode('overwrite').parquet(join(dir, 'data'));
    const df = spark.readStream.format('parquet').schema('value BIGINT').option('maxFilesPerTrigger', 1).load(join(dir, 'data'));
    const { iterator, coordinator } = await fromSparkStreaming(df, {
      runtime,
      endpoint: { tls },
      useJvmSink: true,
      maxRowsPerBatch: 1000,
      trigger: { availableNow: true },
    });
    const values: number[] = [];
    for await (const batch of iterator) values.push(...Array.from(batch.getChild('value')!.toArray() as BigInt64Array, Number));
    coordinator.stop();
    values.sort((a, b) => a - b);
    assert.is(values.length, 20_000);
    assert.equal(values, Array.from({ length: 20_000 }, (_, i) => i), 'every value exactly once');
  }),
);

test('toSparkStreaming over TLS reaches the memory sink exactly once', () =>
  withRuntime(async (runtime) => {
    const { tls } = await testTls();
    const spark = await getSpark();
    function* source() {
      for (let i = 0; i < 8; i++) yield new Table({ value: makeVector(BigInt64Array.from({ length: 1000 }, (_, j) => BigInt(i * 1000 + j))) });
    }
    const { handle } = await toSparkStreaming(source(), spark, {
      runtime,
      endpoint: { tls },
      format: 'memory',
      queryName: 'drls_tls_reverse',
      trigger: { processingTime: '200 milliseconds' },
    });
    await handle.stop({ timeoutMs: 60_000 });
    const t = await (await spark.sql('select count(*) as n, count(distinct value) as d, min(value) as lo, max(value) as hi from drls_tls_reverse')).collect();
    const row = t.toArray()[0] as { n: bigint; d: bigint; lo: bigint; hi: bigint };
    assert.equal([row.n, row.d, row.lo, row.hi].map(Number), [8000, 8000, 0, 7999]);
    assert.is(handle.producerError, null);
  }),
);

test('a connector given the wrong CA refuses the endpoint: the query fails, and the iterator throws naming the TLS verification failure', () =>
  withRuntime(async (runtime) => {
    const { tls, otherCa } = await testTls();
    const spark = await getSpark();
    const coordinator = StreamCoordinator.create({ runtime });
    const bridge = streamBridge({ runtime, endpoint: { tls } });
    const sink = new RecordingSink();
    const registration = await bridge.register(coordinator.streamId, { sink });
    const options = registration.connectorOptions();
    // What fromSparkStreaming would start, but with the CA of someone else.
    const query = await spark.readStream
      .format('rate')
      .option('rowsPerSecond', 1000)
      .option('numPartitions', 2)
      .load()
      .writeStream.format('drls')
      .options({ ...options, tlsCa: otherCa, useJvmSink: 'true' })
      .checkpointLocation(await scratchDir('drls-tls-checkpoint-'))
      .trigger({ processingTime: '200 milliseconds' })
      .start();
    const watcher = watchQuery(query, coordinator);
    try {
      for await (const _ of coordinator.iterator()) assert.unreachable('no batch arrives');
      assert.unreachable('the iterator must throw');
    } catch (err) {
      assert.is((err as DrlsError).code, 'DRLS_STREAM_FAILED');
      const message = (err as Error).message;
      assert.match(message, `127.0.0.1:${options.port}`);
      assert.match(message, /TLS verification failed: the endpoint's certificate is not trusted/);
      assert.not.match(message, registration.secret);
      assert.equal([sink.staged.length, sink.commits.length], [0, 0], 'nothing reached Node');
    } finally {
      await watcher.stop();
      await query.stop().catch(() => undefined);
      await bridge.unregister(coordinator.streamId);
      coordinator.stop();
    }
  }),
);

test.run();
