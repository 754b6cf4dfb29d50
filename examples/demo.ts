// The README's demo: Spark to Node and back on the embedded local Spark.
//   1. start the pinned local Spark (Spark Connect) from Node;
//   2. run a Structured Streaming `rate` query into Spark's memory sink;
//   3. bring its rows into Node as Arrow and through a stream coordinator to
//      partitioned worker-thread consumers;
//   4. send the consumers' results back to Spark as a DataFrame and query them there.
import { fileURLToPath } from 'node:url';
import { tableFromArrays } from 'apache-arrow';
import { initSpark, stopSpark, shutdown } from 'drls';
import { StreamCoordinator, runPartitioned } from 'drls/streaming';
import type { Score } from './workers/score-worker.js';

const step = (text: string): void => console.log(`\n== ${text}`);
const NUM_PARTITIONS = 4;

step('starting the local Spark (first run fetches it)');
const started = performance.now();
const spark = await initSpark({ appName: 'drls-demo' });
console.log(`Spark Connect ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

try {
  step('Spark: a rate stream into the memory sink');
  const rates = spark.readStream.format('rate').option('rowsPerSecond', 200).option('numPartitions', 2).load();
  const query = await rates.writeStream.format('memory').queryName('demo_rates').outputMode('append').trigger({ processingTime: '500 milliseconds' }).start();
  for (let i = 0; i < 3; i++) await query.processAllAvailable();
  await query.stop();
  const table = await (await spark.sql(`select value, value % ${NUM_PARTITIONS} as part from demo_rates order by value`)).collect();
  console.log(`Spark produced ${table.numRows} rows; Arrow schema: ${table.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ')}`);

  step(`Node: ${NUM_PARTITIONS} partitions through a coordinator to 2 worker threads`);
  const coordinator = StreamCoordinator.create({ streamId: 'demo', maxBufferedBatches: 4 });
  const scores: Score[] = [];
  const run = runPartitioned<Score>({
    coordinator,
    worker: fileURLToPath(new URL('./workers/score-worker.ts', import.meta.url)),
    numConsumers: 2,
    numPartitions: NUM_PARTITIONS,
    onResult: (s) => scores.push(s),
  });
  const value = table.getChild('value')!.toArray() as BigInt64Array;
  const part = table.getChild('part')!.toArray() as BigInt64Array;
  const chunk = 100;
  for (let start = 0; start < value.length; start += chunk) {
    const perPartition = Array.from({ length: NUM_PARTITIONS }, () => [] as bigint[]);
    for (let i = start; i < Math.min(value.length, start + chunk); i++) perPartition[Number(part[i])]!.push(value[i]!);
    await coordinator.publish({ partitions: perPartition.map((v) => tableFromArrays({ value: BigInt64Array.from(v) })) });
  }
  await coordinator.complete();
  const summary = await run;
  console.log(`workers scored ${summary.batches} record batches, ${summary.rows} rows (per consumer: ${summary.perConsumer.join(', ')})`);
  coordinator.remove();

  step('back to Spark: the scores as a DataFrame, aggregated by Spark');
  const back = spark.createDataFrame(
    tableFromArrays({
      partition: Int32Array.from(scores.map((s) => s.partition)),
      batch_id: Int32Array.from(scores.map((s) => s.batchId)),
      rows: Int32Array.from(scores.map((s) => s.rows)),
      total: Float64Array.from(scores.map((s) => s.sum)),
    }),
  );
  const [agg] = (await back.selectExpr('sum(rows) as rows', 'count(*) as batches').collect()).toArray() as Array<{ rows: bigint; batches: bigint }>;
  console.log(`Spark sees ${agg!.batches} score rows covering ${agg!.rows} stream rows`);
  const totalRows = scores.reduce((a, s) => a + s.rows, 0);
  console.log(`rows scored in Node: ${totalRows} of ${table.numRows} ${totalRows === table.numRows ? 'OK' : 'MISMATCH'}`);
  if (totalRows !== table.numRows) process.exitCode = 1;
} finally {
  step('stopping Spark');
  await stopSpark();
  shutdown();
}
console.log('demo complete');
