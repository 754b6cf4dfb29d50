/** The forward benchmark's query through drls, shared by the bench and its tuned-Node child. */
import type { SparkSession } from '../bridge/connect/index.js';
import { fromSparkStreaming } from '../bridge/streaming/index.js';

export const FORWARD_SCHEMA = 'l BIGINT, d DOUBLE, s STRING';

export interface ForwardRun {
  readonly seconds: number;
  readonly rows: number;
  /** Node's own CPU seconds (all its threads) during the run. */
  readonly cpu: number;
}

/** The file stream in `dir` through the drls sink into a Node consumer that counts rows. */
export async function drlsForward(spark: SparkSession, dir: string, useJvmSink: boolean): Promise<ForwardRun> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const df = spark.readStream.schema(FORWARD_SCHEMA).option('maxFilesPerTrigger', 2).parquet(dir);
  const { iterator, coordinator } = await fromSparkStreaming(df, { useJvmSink, trigger: { availableNow: true } });
  let rows = 0;
  for await (const batch of iterator) rows += batch.numRows;
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpuStart);
  coordinator.remove();
  return { seconds, rows, cpu: (used.user + used.system) / 1e6 };
}
