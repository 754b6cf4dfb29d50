// The seed's example in TypeScript, end to end on the embedded local Spark:
//   1. a Spark `rate` stream flows into Node through fromSparkStreaming (Arrow all the way);
//   2. partitioned worker-thread consumers score each Spark partition's batches;
//   3. the scores flow back through toSparkStreaming into an Iceberg table (a Hadoop
//      catalog in a temporary warehouse);
//   4. Spark reads the table back and the totals are checked against what Node saw.
//
//   node --import tsx examples/streaming-iceberg.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Float64, Int32, Int64, makeVector, Schema, Table } from 'apache-arrow';
import { initSpark, stopSpark, shutdown } from 'drls';
import { fromSparkStreaming, runPartitioned, toSparkStreaming } from 'drls/streaming';
import type { Score } from './workers/score-worker.js';

export interface StreamingIcebergOptions {
  /** Forward micro-batches to process before stopping. */
  microBatches: number;
  rowsPerSecond: number;
  log?: (line: string) => void;
}

/** A push-driven async iterable: the forward side pushes tables, the reverse side reads them. */
class TableQueue implements AsyncIterable<Table> {
  readonly #items: Table[] = [];
  #wake: (() => void) | undefined;
  #ended = false;

  push(table: Table): void {
    this.#items.push(table);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Table> {
    for (;;) {
      const next = this.#items.shift();
      if (next) yield next;
      else if (this.#ended) return;
      else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

export async function runStreamingIceberg(options: StreamingIcebergOptions): Promise<boolean> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Temporary, like the whole run: both directories go when it ends.
  const warehouse = await mkdtemp(join(tmpdir(), 'drls-warehouse-'));
  const reverseCheckpoint = await mkdtemp(join(tmpdir(), 'drls-reverse-checkpoint-'));
  log(`starting the local Spark with an Iceberg catalog "drls" in ${warehouse}`);
  const started = performance.now();
  const spark = await initSpark({ appName: 'streaming-iceberg', icebergCatalog: 'drls', icebergWarehouse: warehouse });
  log(`Spark Connect ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  try {
    await spark.sql('CREATE NAMESPACE IF NOT EXISTS drls.db');
    await spark.sql('CREATE TABLE drls.db.scores (partition INT, batch_id BIGINT, rows BIGINT, total DOUBLE) USING iceberg');

    log(`forward: a rate stream (${options.rowsPerSecond} rows/s, 4 partitions) into Node`);
    const rate = spark.readStream.format('rate').option('rowsPerSecond', options.rowsPerSecond).option('numPartitions', 4).load();
    const forward = await fromSparkStreaming(rate, { streamId: 'demo-stream', useJvmSink: true, trigger: { processingTime: '500 milliseconds' } });
    // `forward.iterator` is never read, so the partitioned consumers below are the stream's only readers.

    const scores = new TableQueue();
    const scoreSchema = new Schema([
      new Field('partition', new Int32(), true),
      new Field('batch_id', new Int64(), true),
      new Field('rows', new Int64(), true),
      new Field('total', new Float64(), true),
    ]);
    log('reverse: scores back into Spark, appended to the Iceberg table drls.db.scores');
    const reverse = await toSparkStreaming(scores, spark, {
      streamId: 'demo-reverse',
      format: 'iceberg',
      options: { path: 'drls.db.scores' },
      checkpointLocation: reverseCheckpoint,
      trigger: { processingTime: '500 milliseconds' },
      schema: scoreSchema, // the scores only come once the forward side runs
    });

    let nodeRows = 0;
    let nodeTotal = 0;
    const seenBatches = new Set<number>();
    let stopping: Promise<void> | undefined;
    const summary = await runPartitioned<Score>({
      coordinator: forward.coordinator,
      worker: fileURLToPath(new URL('./workers/score-worker.ts', import.meta.url)),
      numConsumers: 2,
      numPartitions: 4,
      onResult: (s) => {
        nodeRows += s.rows;
        nodeTotal += s.sum;
        scores.push(
          new Table({
            partition: makeVector(Int32Array.of(s.partition)),
            batch_id: makeVector(BigInt64Array.of(BigInt(s.batchId))),
            rows: makeVector(BigInt64Array.of(BigInt(s.rows))),
            total: makeVector(Float64Array.of(s.sum)),
          }),
        );
        seenBatches.add(s.batchId);
        // Partition p goes to consumer p % 2, and each consumer keeps to one worker thread.
        log(`  micro-batch ${s.batchId}, partition ${s.partition}: ${s.rows} rows scored on worker ${s.partition % 2}`);
        if (seenBatches.size >= options.microBatches) stopping ??= forward.handle.stop({ timeoutMs: 30_000 });
      },
    });
    await stopping;
    scores.end();
    log(`Node scored ${summary.batches} record batches, ${nodeRows} rows, on 2 worker threads`);
    await reverse.handle.stop({ timeoutMs: 60_000 });

    const back = await (await spark.sql('select count(*) as n, sum(rows) as rows, sum(total) as total from drls.db.scores')).collect();
    const row = back.toArray()[0] as { n: bigint; rows: bigint | null; total: number | null };
    const ok = Number(row.rows ?? 0) === nodeRows && Math.abs((row.total ?? 0) - nodeTotal) < 1e-6 * Math.max(1, nodeTotal);
    log(`Iceberg table drls.db.scores: ${row.n} score rows covering ${row.rows} stream rows ${ok ? 'OK' : 'MISMATCH'}`);
    return ok;
  } finally {
    await stopSpark();
    shutdown();
    for (const dir of [warehouse, reverseCheckpoint]) await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ok = await runStreamingIceberg({ microBatches: 10, rowsPerSecond: 200 });
  process.exit(ok ? 0 : 1);
}
