/** Bridge benchmark runs shared by the bench and its tuned-Node child process. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SparkSession } from '../bridge/connect/index.js';
import { MemoryEpochLedger, WireEndpoint, type SinkTarget } from '../bridge/endpoint/index.js';
import { ensureSpark } from '../bridge/spark/index.js';
import { javaBinary } from '../bridge/spark/java.js';
import { JAVA_OPENS } from '../bridge/spark/server.js';
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
  coordinator.stop();
  return { seconds, rows, cpu: (used.user + used.system) / 1e6 };
}

/**
 * The connector's raw wire: the JVM side's WireBench sends 16 MiB Arrow IPC frames over one
 * write connection, exactly as a task does, to a Node endpoint whose target accepts at once.
 */
export async function wire(totalMiB: number): Promise<number> {
  const install = await ensureSpark();
  const connector = fileURLToPath(new URL('../bridge/jvm/target/drls-connector.jar', import.meta.url));
  // WireBench is test code (bridge/jvm/src/test/java), compiled by bridge/jvm/build.sh but not shipped in the jar.
  const benchClasses = fileURLToPath(new URL('../bridge/jvm/target/test-classes', import.meta.url));
  const endpoint = await WireEndpoint.start({ logger: { warn: () => undefined } });
  const sink: SinkTarget = {
    stage: async () => undefined,
    commitEpoch: async () => ({ duplicate: false, batchId: 0 }),
    abortEpoch: async () => undefined,
    ledger: new MemoryEpochLedger(),
  };
  const reg = endpoint.register('wire-bench', { sink });
  const o = reg.connectorOptions();
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      javaBinary(),
      [...JAVA_OPENS, '-cp', `${install.jarsDir}/*:${connector}:${benchClasses}`, 'io.drls.spark.WireBench', o.host, o.port, o.streamId, o.secret, '16', String(totalMiB / 16)],
      { maxBuffer: 1 << 20 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
  await endpoint.close();
  const { bytes, seconds } = JSON.parse(out.trim().split('\n').at(-1)!) as { bytes: number; seconds: number };
  return bytes / seconds;
}
