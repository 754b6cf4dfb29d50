import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { fromSparkStreaming, createPartitionedIterators, type StreamingIterator } from '../../../streaming.js';
import { streamBridge } from '../../../bridge/streaming/stream-bridge.js';
import type { DrlsError } from '../../../runtime/base/index.js';
import { getSpark } from '../../support/spark.js';
import { scratchDir } from '../../support/scratch.js';

const test = suite('fromSparkStreaming (real Spark)');

/** Values of a bigint column, as numbers. */
const longs = (batch: RecordBatch, column: string): number[] => Array.from(batch.getChild(column)!.toArray() as BigInt64Array, Number);

/** Consume an iterator to its end, keeping each partition's `value`s in arrival order. */
async function consume(it: StreamingIterator, onRows?: (seen: number) => void): Promise<Map<number, number[]>> {
  const byPartition = new Map<number, number[]>();
  let seen = 0;
  for await (const e of it.entries()) {
    const values = longs(e.batch, 'value');
    byPartition.set(e.partition, [...(byPartition.get(e.partition) ?? []), ...values]);
    seen += values.length;
    onRows?.(seen);
  }
  return byPartition;
}

/** Temporary checkpoints fromSparkStreaming made for a stream and has not removed. */
async function leftCheckpoints(streamId: string): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(`drls-checkpoint-${streamId}-`));
}

function assertExactlyOnceInOrder(byPartition: Map<number, number[]>, minRows: number): void {
  const all = [...byPartition.values()].flat().sort((a, b) => a - b);
  assert.ok(all.length >= minRows, `expected at least ${minRows} rows, got ${all.length}`);
  assert.equal(all, Array.from({ length: all.length }, (_, i) => i), 'every value 0..n-1 exactly once');
  for (const [p, values] of byPartition) {
    assert.equal(values, [...values].sort((a, b) => a - b), `partition ${p} in order`);
  }
}

for (const useJvmSink of [false, true]) {
  test(`a rate stream arrives complete, in order per partition, every value once (useJvmSink=${useJvmSink})`, async () => {
    const spark = await getSpark();
    const df = spark.readStream.format('rate').option('rowsPerSecond', 2000).option('numPartitions', 3).load();
    const { iterator, handle, coordinator } = await fromSparkStreaming(df, { useJvmSink, trigger: { processingTime: '200 milliseconds' } });
    let stopped: Promise<void> | undefined;
    const result = await consume(iterator, (seen) => {
      if (seen >= 3000) stopped ??= handle.stop({ timeoutMs: 30_000 });
    });
    await stopped;
    assert.equal([...result.keys()].sort(), [0, 1, 2], 'one entry per Spark partition');
    assertExactlyOnceInOrder(result, 3000);
    assert.not.ok(coordinator.alive, 'stop() removed the coordinator');
    assert.equal(await leftCheckpoints(coordinator.streamId), [], 'stop() removed the temporary checkpoint');
  });
}

test('a file stream over parquet files arrives complete; the query ending completes the stream', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-files-');
  await (await spark.sql('select id as value from range(0, 5000)')).write.mode('overwrite').parquet(join(dir, 'data'));
  const df = spark.readStream.format('parquet').schema('value BIGINT').option('maxFilesPerTrigger', 1).load(join(dir, 'data'));
  const { iterator, coordinator } = await fromSparkStreaming(df, { trigger: { availableNow: true }, useJvmSink: true });
  // Spark takes equally old files in no fixed order, so order holds within each batch (a file), not across them.
  const all: number[] = [];
  for await (const batch of iterator) {
    const values = longs(batch, 'value');
    assert.equal(values, [...values].sort((a, b) => a - b), 'in order within a batch');
    all.push(...values);
  }
  all.sort((a, b) => a - b);
  assert.equal(all, Array.from({ length: 5000 }, (_, i) => i), 'every value exactly once');
  assert.equal(await leftCheckpoints(coordinator.streamId), [], 'the ended query left no temporary checkpoint');
  coordinator.stop();
});

test('record batches end at maxRowsPerBatch or maxBytesPerBatch, whichever comes first', async () => {
  const spark = await getSpark();
  const dir = await scratchDir('drls-files-');
  await (await spark.sql('select id as value from range(0, 3000, 1, 1)')).write.mode('overwrite').parquet(join(dir, 'data'));
  const sizes = async (options: { maxRowsPerBatch?: number; maxBytesPerBatch?: number }, nested = false): Promise<number[]> => {
    const flat = spark.readStream.format('parquet').schema('value BIGINT').load(join(dir, 'data'));
    // A struct column takes the connector's general path (Spark's ArrowWriter), which measures less often.
    const df = nested ? flat.selectExpr("named_struct('v', value) as s", 'value') : flat;
    const { iterator, coordinator } = await fromSparkStreaming(df, { ...options, useJvmSink: true, trigger: { availableNow: true } });
    const rows: number[] = [];
    const values: number[] = [];
    for await (const batch of iterator) {
      rows.push(batch.numRows);
      values.push(...longs(batch, 'value'));
    }
    coordinator.stop();
    assert.equal(values.sort((a, b) => a - b), Array.from({ length: 3000 }, (_, i) => i), 'every value exactly once');
    return rows;
  };
  assert.equal(await sizes({ maxRowsPerBatch: 700 }), [700, 700, 700, 700, 200]);
  // 8 bytes a value and a validity bit: 4 KiB is reached at row 505.
  assert.equal(await sizes({ maxRowsPerBatch: 100_000, maxBytesPerBatch: 4096 }), [505, 505, 505, 505, 505, 475]);
  const nested = await sizes({ maxRowsPerBatch: 100_000, maxBytesPerBatch: 4096 }, true);
  assert.ok(nested.length >= 10 && nested.every((n) => n <= 272), `nested batches cut by bytes: ${nested.join(',')}`);
});

for (const useJvmSink of [true, false]) {
  test(`an epoch larger than maxBufferedBytes still arrives, whole, as one micro-batch (useJvmSink=${useJvmSink})`, async () => {
    const spark = await getSpark();
    const dir = await scratchDir('drls-files-');
    await (await spark.sql('select id as value from range(0, 3000, 1, 1)')).write.mode('overwrite').parquet(join(dir, 'data'));
    const df = spark.readStream.format('parquet').schema('value BIGINT').load(join(dir, 'data'));
    // 30 batches of ~900 bytes in one epoch, against a 4 KiB buffer: staging must not wait for room
    // only that same epoch's commit could make.
    const { iterator, coordinator } = await fromSparkStreaming(df, { useJvmSink, maxBufferedBytes: 4096, maxRowsPerBatch: 100, trigger: { availableNow: true } });
    const values: number[] = [];
    let micro = 0;
    for await (const batch of iterator) {
      values.push(...longs(batch, 'value'));
      micro = iterator.lastBatchId;
    }
    coordinator.stop();
    assert.is(micro, 0, 'one micro-batch');
    assert.equal(values.sort((a, b) => a - b), Array.from({ length: 3000 }, (_, i) => i), 'every value exactly once');
  });
}

test('batch-size options are checked before Spark is asked anything', async () => {
  const spark = await getSpark();
  const df = spark.readStream.format('rate').load();
  for (const bad of [{ maxRowsPerBatch: 0 }, { maxRowsPerBatch: 1.5 }, { maxBytesPerBatch: -1 }, { maxBytesPerBatch: 2 ** 30 }]) {
    const err = await fromSparkStreaming(df, bad).then(
      () => null,
      (e: DrlsError) => e,
    );
    assert.is(err?.code, 'DRLS_INVALID_ARGUMENT', JSON.stringify(bad));
    assert.match(err!.message, Object.keys(bad)[0]!);
  }
});

test('partitioned consumers split the real Spark partitions', async () => {
  const spark = await getSpark();
  const df = spark.readStream.format('rate').option('rowsPerSecond', 1000).option('numPartitions', 4).load();
  const { handle, coordinator, iterator } = await fromSparkStreaming(df, { useJvmSink: true, trigger: { processingTime: '200 milliseconds' } });
  await iterator.close(); // only the partitioned consumers below
  const consumers = createPartitionedIterators({ coordinator, numConsumers: 2, numPartitions: 4 });
  const seen = consumers.map(() => new Set<number>());
  let total = 0;
  let stopped: Promise<void> | undefined;
  await Promise.all(
    consumers.map(async (it, i) => {
      for await (const e of it.entries()) {
        seen[i]!.add(e.partition);
        total += e.batch.numRows;
        if (total >= 1500) stopped ??= handle.stop({ timeoutMs: 30_000 });
      }
    }),
  );
  await stopped;
  assert.equal([...seen[0]!].sort(), [0, 2]);
  assert.equal([...seen[1]!].sort(), [1, 3]);
});

test('end-to-end backpressure: with maxBufferedBatches = 2 and a slow consumer the buffer stays within its limit', async () => {
  const spark = await getSpark();
  const df = spark.readStream.format('rate').option('rowsPerSecond', 5000).option('numPartitions', 2).load();
  const { iterator, handle, coordinator } = await fromSparkStreaming(df, {
    maxBufferedBatches: 2,
    useJvmSink: true,
    trigger: { processingTime: '100 milliseconds' },
  });
  let maxBuffered = 0;
  let batches = 0;
  let stopped: Promise<void> | undefined;
  for await (const micro of iterator.microBatches()) {
    const s = await coordinator.getStats();
    maxBuffered = Math.max(maxBuffered, s.bufferSize);
    batches++;
    // A deliberately slow consumer: Spark must wait for it, not pile data up in Node.
    await new Promise((r) => setTimeout(r, 300));
    void micro;
    if (batches === 8) stopped = handle.stop({ timeoutMs: 30_000 });
  }
  await stopped;
  assert.ok(maxBuffered <= 2, `buffer held ${maxBuffered} batches`);
  assert.ok(batches >= 8);
});

test('a failing Spark query ends the iterator with an error, within seconds', async () => {
  const spark = await getSpark();
  const df = spark.readStream.format('rate').option('rowsPerSecond', 100).load().selectExpr("raise_error('deliberate failure') as value");
  const { iterator, handle } = await fromSparkStreaming(df, { trigger: { processingTime: '200 milliseconds' } });
  try {
    for await (const _ of iterator) assert.unreachable('no batch should arrive');
    assert.unreachable('the iterator must throw');
  } catch (err) {
    assert.is((err as DrlsError).code, 'DRLS_STREAM_FAILED');
    assert.match((err as Error).message, 'deliberate failure');
  }
  await handle.stop({ timeoutMs: 1000 }).catch(() => undefined);
});

test('a wrong secret and garbage bytes are refused while a healthy stream carries on', async () => {
  const spark = await getSpark();
  const df = spark.readStream.format('rate').option('rowsPerSecond', 1000).option('numPartitions', 2).load();
  const { iterator, handle, coordinator } = await fromSparkStreaming(df, { useJvmSink: true, trigger: { processingTime: '200 milliseconds' } });
  const { host, port } = await streamBridge().address();
  const exchange = (bytes: Buffer): Promise<Buffer> =>
    new Promise((resolve) => {
      const socket = connect(port, host, () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.on('error', () => resolve(Buffer.concat(chunks)));
    });
  const frame = (type: number, json: object): Buffer => {
    const payload = Buffer.from(JSON.stringify(json));
    const head = Buffer.alloc(5);
    head.writeUInt8(type, 0);
    head.writeUInt32BE(payload.length, 1);
    return Buffer.concat([head, payload]);
  };
  let rows = 0;
  let checked = false;
  let stopped: Promise<void> | undefined;
  for await (const batch of iterator) {
    rows += batch.numRows;
    if (!checked && rows > 0) {
      checked = true;
      const wrong = await exchange(frame(0x01, { version: 1, role: 'commit', streamId: coordinator.streamId, secret: 'not-the-secret' }));
      assert.match(wrong.toString('latin1'), 'DRLS_AUTH_FAILED');
      await exchange(Buffer.from('GET / HTTP/1.1\r\n\r\n garbage \x00\xff'));
      const before = (await coordinator.getStats()).batchesPublished;
      // The healthy stream goes on after both refusals.
      for await (const more of iterator) {
        rows += more.numRows;
        if ((await coordinator.getStats()).batchesPublished > before + 2) break;
      }
      stopped = handle.stop({ timeoutMs: 5000 });
      break;
    }
  }
  await stopped;
  assert.ok(checked);
});

test.run();
