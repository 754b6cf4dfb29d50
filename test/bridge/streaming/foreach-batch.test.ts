import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Schema, Table } from 'apache-arrow';
import { enableForeachBatch } from '../../../streaming.js';
import { listActors, type DrlsError, type SparkSession, type StreamingQuery } from '../../../index.js';
import { ForeachBatchSink } from '../../../bridge/streaming/foreach-batch-sink.js';
import { streamBridge } from '../../../bridge/streaming/stream-bridge.js';
import { FrameType } from '../../../bridge/endpoint/index.js';
import { TestClient, ipcOf, startEndpoint } from '../endpoint/helpers.js';
import { deferred } from '../../support/deferred.js';
import { until } from '../../support/gate.js';
import { getSpark } from '../../support/spark.js';
import { scratchDir } from '../../support/scratch.js';
import { killOneAttemptMidWrite } from '../../support/killing-sink.js';

const test = suite('writeStream.foreachBatch (real Spark)');

/** Values of a bigint column, as numbers. */
const longs = (table: Table, column: string): number[] => Array.from(table.getChild(column)!.toArray() as BigInt64Array, Number);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Temporary checkpoints foreachBatch queries made and have not removed. */
async function leftCheckpoints(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('drls-checkpoint-foreach-batch-'));
}

/** Sockets Node holds open (accepted executor and driver connections among them). */
const openSockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

/** `files` parquet files of 1000 rows each, `value` 0..(1000 * files - 1), one contiguous block per file. */
async function parquetFiles(spark: SparkSession, files: number): Promise<string> {
  const dir = await scratchDir('drls-foreach-batch-');
  await (await spark.sql(`select id as value from range(0, ${files * 1000}, 1, ${files})`)).write.mode('overwrite').parquet(join(dir, 'data'));
  return join(dir, 'data');
}

/** A file stream that takes one file per epoch. */
function oneFilePerEpoch(spark: SparkSession, path: string) {
  return spark.readStream.format('parquet').schema('value BIGINT').option('maxFilesPerTrigger', 1).load(path);
}

// First: the shared session has no bridge until a test below enables it.
test('foreachBatch on a session without the bridge says what to do, typed', async () => {
  const spark = await getSpark();
  const writer = spark.readStream.format('rate').load().writeStream;
  const err = (() => {
    try {
      writer.foreachBatch(() => undefined);
    } catch (e) {
      return e as DrlsError;
    }
    return null;
  })();
  assert.is(err?.code, 'DRLS_FOREACH_BATCH_UNAVAILABLE');
  assert.is(err?.name, 'ForeachBatchUnavailableError');
  assert.match(err!.message, "enableForeachBatch(spark) from 'drls/streaming'");
});

test('bad arguments are typed errors naming the argument, before Spark is asked anything', async () => {
  const spark = await getSpark();
  const caught = (f: () => unknown): DrlsError | null => {
    try {
      f();
    } catch (e) {
      return e as DrlsError;
    }
    return null;
  };
  const invalid = (f: () => unknown, names: string): void => {
    const err = caught(f);
    assert.is(err?.code, 'DRLS_INVALID_ARGUMENT', names);
    assert.match(err!.message, names);
  };
  invalid(() => enableForeachBatch({} as SparkSession), 'enableForeachBatch(spark)');
  invalid(() => enableForeachBatch(spark, { useJvmSink: 'yes' as unknown as boolean }), 'options.useJvmSink');
  invalid(() => enableForeachBatch(spark, { maxRowsPerBatch: 0 }), 'options.maxRowsPerBatch');
  invalid(() => enableForeachBatch(spark, { endpoint: { host: '' } }), 'options.endpoint.host');
  enableForeachBatch(spark);
  const writer = () => spark.readStream.format('rate').load().writeStream;
  for (const bad of [42, 'handler', null, undefined, {}]) {
    invalid(() => writer().foreachBatch(bad as never), 'foreachBatch(handler): handler must be a function');
  }
  invalid(() => writer().foreachBatch(() => undefined).start('/tmp/somewhere'), 'start(path)');
  invalid(() => writer().foreachBatch(() => undefined).toTable('t'), 'toTable(name)');
});

for (const useJvmSink of [false, true]) {
  test(`each epoch reaches the handler once, in order, whole: a file stream (useJvmSink=${useJvmSink})`, async () => {
    const spark = await getSpark();
    enableForeachBatch(spark);
    const path = await parquetFiles(spark, 6);
    const before = await leftCheckpoints();
    const calls: { epochId: number; rows: number; values: number[] }[] = [];
    const query = await oneFilePerEpoch(spark, path)
      .writeStream.foreachBatch(async (batch, epochId) => {
        calls.push({ epochId, rows: batch.numRows, values: longs(batch, 'value') });
        await Promise.resolve(); // awaited: the next epoch waits for it
      })
      .option('useJvmSink', useJvmSink) // the writer's own options reach the connector
      .trigger({ availableNow: true })
      .start();
    assert.is(await query.awaitTermination(), true);

    assert.equal(calls.map((c) => c.epochId), range(6), 'epoch ids 0..5, in order, each once');
    // Spark's own count of each micro-batch's input is the oracle for what the handler was given.
    const progress = await query.recentProgress();
    const sparkRows = (epochId: number): number | undefined =>
      progress.find((p) => p.batchId === epochId)?.sources?.reduce((n, source) => n + Number(source['numInputRows']), 0);
    assert.equal(calls.map((c) => c.rows), calls.map((c) => sparkRows(c.epochId)), "each epoch's rows as Spark counted them");
    assert.equal(calls.map((c) => c.rows), Array(6).fill(1000));
    assert.equal(calls.flatMap((c) => c.values).sort((a, b) => a - b), range(6000), 'every value exactly once');
    assert.equal(await leftCheckpoints(), before, 'the ended query left no temporary checkpoint');
  });
}

test('query.stop() during a handler call: it waits for the call, then nothing more runs and nothing is left', async () => {
  const spark = await getSpark();
  enableForeachBatch(spark);
  const df = spark.readStream.format('rate').option('rowsPerSecond', 1000).option('numPartitions', 2).load();
  // Baselines once the runtime's endpoint exists (the first stream of the process started it).
  const actorsBefore = new Set(listActors());
  const socketsBefore = openSockets();
  const checkpointsBefore = await leftCheckpoints();
  const events: string[] = [];
  const values: number[] = [];
  const inThird = deferred();
  const finishThird = deferred();
  let calls = 0;
  const query: StreamingQuery = await df.writeStream
    .foreachBatch(async (batch, epochId) => {
      events.push(`epoch ${epochId}`);
      values.push(...longs(batch, 'value'));
      if (++calls === 3) {
        inThird.resolve();
        await finishThird.promise;
      }
      events.push(`done ${epochId}`);
    })
    .trigger({ processingTime: '200 milliseconds' })
    .start();
  await inThird.promise;
  const stopped = query.stop().then(() => events.push('stopped'));
  // Spark ends the query while the handler still holds the third epoch; only then may it finish.
  await until('Spark reports the query stopped', () => query.isActive(), (active) => !active, { intervalMs: 100 });
  assert.is(events.at(-1), 'epoch 2', 'the third call is still running, and stop() has not resolved');
  finishThird.resolve();
  await stopped;

  const epochs = events.filter((e) => e.startsWith('epoch ')).map((e) => Number(e.slice(6)));
  assert.equal(epochs, range(epochs.length), 'consecutive epoch ids from 0, each once');
  assert.is(events.at(-1), 'stopped', 'stop() resolved after the handler call it waited for, and no call came after');
  assert.is(events.at(-2), `done ${epochs.at(-1)}`);
  assert.equal([...values].sort((a, b) => a - b), range(values.length), 'the rate values from 0, each once');
  assert.is(await query.exception(), null, 'stopped, not failed');
  assert.equal(await leftCheckpoints(), checkpointsBefore, 'the temporary checkpoint is gone');
  assert.ok([...listActors()].every((name) => actorsBefore.has(name) || name === 'drls_jvm_bridge'), `no actor left: ${listActors().join(', ')}`);
  await until('every connection of the query is closed', async () => openSockets(), (n) => n <= socketsBefore, { timeoutMs: 10_000 });
});

test('a handler that stops its own query: stop() resolves, the call ends, no call comes after', async () => {
  const spark = await getSpark();
  enableForeachBatch(spark);
  const df = spark.readStream.format('rate').option('rowsPerSecond', 1000).load();
  const epochs: number[] = [];
  const ended = deferred();
  let query: StreamingQuery | undefined;
  const started = deferred();
  query = await df.writeStream
    .foreachBatch(async (_batch, epochId) => {
      epochs.push(epochId);
      if (epochs.length === 2) {
        await started.promise;
        await query!.stop();
        ended.resolve();
      }
    })
    .trigger({ processingTime: '200 milliseconds' })
    .start();
  started.resolve();
  await ended.promise;
  assert.is(await query.isActive(), false);
  assert.equal(epochs, [0, 1], 'no call after the one that stopped the query');
});

test('a handler that rejects on epoch 2 fails the query with its message, reached by awaitTermination as a typed error', async () => {
  const spark = await getSpark();
  enableForeachBatch(spark);
  const path = await parquetFiles(spark, 4);
  const before = await leftCheckpoints();
  const epochs: number[] = [];
  const query = await oneFilePerEpoch(spark, path)
    .writeStream.foreachBatch(async (_batch, epochId) => {
      epochs.push(epochId);
      if (epochId === 2) throw new Error('no room for epoch 2 in the ledger');
    })
    .trigger({ availableNow: true })
    .start();
  const err = await query.awaitTermination().then(
    () => null,
    (e: DrlsError) => e,
  );
  assert.is(err?.code, 'DRLS_STREAMING_QUERY_FAILED');
  assert.is(err?.name, 'StreamingQueryFailedError');
  assert.match(err!.message, 'no room for epoch 2 in the ledger');
  assert.match(err!.message, 'DRLS_FOREACH_BATCH_FAILED');
  assert.match((await query.exception())?.message ?? '', 'no room for epoch 2 in the ledger');
  assert.equal(epochs, [0, 1, 2], 'nothing after the failed epoch');
  assert.equal(await leftCheckpoints(), before, 'the failed query left no temporary checkpoint');
});

test('an epoch with no rows is passed as an empty Table with the columns the data has', async () => {
  const spark = await getSpark();
  enableForeachBatch(spark);
  const path = await parquetFiles(spark, 2);
  // Types of every kind the connector carries, nested nullability included.
  const shaped = (keep: string) =>
    oneFilePerEpoch(spark, path)
      .filter(keep)
      .selectExpr(
        'value',
        'cast(value as int) as i',
        'cast(value as decimal(12,3)) as d',
        'cast(value as string) as s',
        'cast(cast(value as string) as binary) as b',
        'value % 2 = 0 as even',
        "date_add(date'2024-01-01', cast(value as int)) as day",
        'timestamp_seconds(value) as ts',
        'cast(timestamp_seconds(value) as timestamp_ntz) as ntz',
        "named_struct('v', value, 'half', value / 2) as st",
        'array(value, value + 1) as arr',
        "map('k', value) as m",
      );
  const run = async (keep: string): Promise<Table[]> => {
    const batches: Table[] = [];
    const query = await shaped(keep)
      .writeStream.foreachBatch((batch) => {
        batches.push(batch);
      })
      .trigger({ availableNow: true })
      .start();
    await query.awaitTermination();
    return batches;
  };
  const empty = await run('value < 0');
  assert.equal(empty.map((t) => t.numRows), [0, 0], 'called for both epochs, with no rows');
  const full = await run('true');
  assert.equal(full.map((t) => t.numRows), [1000, 1000]);
  const fields = (schema: Schema): string[] => schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? '' : ' not null'}`);
  // The empty epochs' schema came from Spark (no epoch of that query had data), the others' from the data itself.
  assert.equal(fields(empty[0]!.schema), fields(full[0]!.schema));
  assert.ok(empty[0]!.schema.fields.length === 12);
});

test('exactly once across a task retry: the killed attempt’s rows never reach the handler, its retry’s do, once', async () => {
  const spark = await getSpark(); // a failed task is retried once
  const path = await parquetFiles(spark, 6);
  const dir = await scratchDir('drls-foreach-batch-retry-');
  const calls: { epochId: number; values: number[] }[] = [];
  const real = new ForeachBatchSink(
    'foreach-batch-retry',
    (batch, epochId) => {
      calls.push({ epochId, values: longs(batch, 'value') });
    },
    () => Promise.reject(new Error('every epoch has rows')),
  );
  // The first attempt of one task of epoch 1 dies after three of its frames were accepted.
  const { sink, killed } = killOneAttemptMidWrite(real);
  const bridge = streamBridge();
  const registration = await bridge.register('foreach-batch-retry', { sink });
  const query = await oneFilePerEpoch(spark, path)
    .writeStream.format('drls')
    .options({ ...registration.connectorOptions(), useJvmSink: 'true', maxRowsPerBatch: '100' })
    .checkpointLocation(join(dir, 'checkpoint'))
    .trigger({ availableNow: true })
    .start();
  await query.awaitTermination();
  await bridge.unregister('foreach-batch-retry');
  await real.close();

  assert.ok(killed(), 'an attempt was killed mid-write');
  assert.equal(calls.map((c) => c.epochId), range(6), 'each epoch once, in order');
  assert.equal(calls.map((c) => c.values.length), Array(6).fill(1000), 'each epoch whole, the retry’s rows only');
  assert.equal(calls.flatMap((c) => c.values).sort((a, b) => a - b), range(6000));
  assert.is(real.ledger.lastCommitted, 5);
});

test('a commit sent again, and data replayed, for an epoch the handler finished reach it no more; a failed epoch is not recorded', async () => {
  const { endpoint } = await startEndpoint();
  const calls: { epochId: number; values: number[] }[] = [];
  const sink = new ForeachBatchSink(
    'resent',
    async (batch, epochId) => {
      if (epochId === 1) throw new Error('epoch 1 refused');
      calls.push({ epochId, values: Array.from(batch.getChild('v')!.toArray() as Float64Array) });
    },
    () => Promise.reject(new Error('the schema is known from the data')),
  );
  const reg = endpoint.register('resent', { sink });
  const write = async (epoch: number, partition: number, values: number[]): Promise<Record<string, unknown>> => {
    const { client } = await TestClient.hello(endpoint.port, { role: 'write', streamId: 'resent', secret: reg.secret, epoch, partition, attempt: 7 });
    client.send(FrameType.DATA, ipcOf(values));
    client.sendJson(FrameType.END, { batches: 1, rows: values.length });
    return (await client.readJson()).body;
  };
  const commit = async (epoch: number, partitions: { partition: number; batches: number }[]): Promise<{ type: FrameType; body: Record<string, unknown> }> => {
    const { client } = await TestClient.hello(endpoint.port, { role: 'commit', streamId: 'resent', secret: reg.secret });
    client.sendJson(FrameType.COMMIT, { epoch, partitions: partitions.map((p) => ({ ...p, attempt: 7, rows: 0 })) });
    return client.readJson();
  };
  await write(0, 1, [3, 4]);
  await write(0, 0, [1, 2]);
  const both = [
    { partition: 0, batches: 1 },
    { partition: 1, batches: 1 },
  ];
  assert.equal((await commit(0, both)).body, { batchId: 0, duplicate: false });
  assert.equal(calls, [{ epochId: 0, values: [1, 2, 3, 4] }], 'one Table, partitions in order');
  // Spark sends the commit again (a driver restarted after Node answered), then replays a task.
  assert.equal((await commit(0, both)).body, { duplicate: true });
  assert.equal(await write(0, 0, [1, 2]), { rows: 2, batches: 1, duplicate: true });
  assert.is(calls.length, 1, 'the handler ran once for epoch 0');

  await write(1, 0, [5]);
  const refused = await commit(1, [{ partition: 0, batches: 1 }]);
  assert.is(refused.type, FrameType.ERROR);
  assert.is(refused.body['code'], 'DRLS_FOREACH_BATCH_FAILED');
  assert.match(String(refused.body['message']), 'foreachBatch handler failed on epoch 1: epoch 1 refused');
  assert.is(sink.ledger.lastCommitted, 0, 'the failed epoch is not delivered: a replay of it reaches the handler again');

  // An epoch with no rows, after data: the stream's schema, no question to Spark.
  const empty = await commit(2, [{ partition: 0, batches: 0 }]);
  assert.equal(empty.body, { batchId: 2, duplicate: false });
  assert.equal(calls.at(-1), { epochId: 2, values: [] });
  await sink.close();
  await endpoint.close();
});

test.run();
