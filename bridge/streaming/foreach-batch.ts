import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, checkBoolean, checkObject, payloadPool } from '../../runtime/base/index.js';
import { DEFAULT_MAX_BUFFERED_BYTES } from '../../actors/index.js';
import { ActorRuntime, runtime as defaultRuntime } from '../../runtime/index.js';
import type { StreamingQuery } from '../connect/index.js';
import type { ForeachBatchQuery } from '../connect/foreach-batch.js';
import { SparkSession } from '../connect/session.js';
import { MemoryEpochLedger } from '../endpoint/index.js';
import { ledgerFor } from './epoch-ledgers.js';
import { ForeachBatchRun } from './foreach-batch-run.js';
import { ForeachBatchSink } from './foreach-batch-sink.js';
import { checkEndpointAddress, streamBridge, type EndpointAddressOptions } from './stream-bridge.js';
import { batchSizeConnectorOptions, type BatchSizeOptions } from './stream-options.js';

/** How a session's foreachBatch queries reach Node: the forward path's settings. */
export interface ForeachBatchOptions extends BatchSizeOptions {
  /**
   * true: executors send their partitions straight to Node. false (the default, as for
   * fromSparkStreaming): all data goes through one driver-side connection.
   */
  useJvmSink?: boolean;
  /** Where Spark's connector reaches Node (for a cluster); the runtime's endpoint takes these from its first stream. */
  endpoint?: EndpointAddressOptions;
  /** The actor runtime whose endpoint carries the queries; the default runtime otherwise. */
  runtime?: ActorRuntime;
}

/** Ledgers are kept per runtime and checkpoint; every foreachBatch query files under this one name. */
const LEDGER_STREAM = 'foreachBatch';

/**
 * Gives `spark` what `writeStream.foreachBatch(handler)` needs: Spark Connect runs foreachBatch
 * only for Python and Scala clients, so drls runs the query into its own connector (the forward
 * path of fromSparkStreaming) and calls the handler in this process as each epoch commits,
 * exactly once per epoch. Call it again to change the settings of queries started after.
 */
export function enableForeachBatch(spark: SparkSession, options: ForeachBatchOptions = {}): void {
  if (!(spark instanceof SparkSession)) throw new InvalidArgumentError('enableForeachBatch(spark): spark must be a SparkSession (from initSpark())');
  checkObject(options, 'options');
  const { useJvmSink = false, runtime } = options;
  checkBoolean(useJvmSink, 'options.useJvmSink');
  if (runtime !== undefined && !(runtime instanceof ActorRuntime)) throw new InvalidArgumentError('options.runtime must be an ActorRuntime');
  const endpoint = checkEndpointAddress(options.endpoint);
  const connector = { ...batchSizeConnectorOptions(options), useJvmSink: String(useJvmSink) };
  SparkSession.installForeachBatch(spark, { start: (query) => startForeachBatch(query, { connector, endpoint, runtime }) });
}

interface Settings {
  readonly connector: Record<string, string>;
  readonly endpoint: EndpointAddressOptions;
  readonly runtime: ActorRuntime | undefined;
}

/** Registers a ForeachBatchSink on the runtime's endpoint and starts the writer's query into it. */
async function startForeachBatch(query: ForeachBatchQuery, settings: Settings): Promise<StreamingQuery> {
  const bridge = streamBridge({ runtime: settings.runtime, endpoint: settings.endpoint });
  const streamId = `foreach-batch-${randomUUID()}`;
  // Spark insists on a checkpoint for a custom sink; a fresh temporary one (fine for a local
  // Spark) goes once the query has ended. Give your own to restart on it.
  const ownCheckpoint = query.checkpointLocation === undefined ? await mkdtemp(join(tmpdir(), 'drls-checkpoint-foreach-batch-')) : undefined;
  const checkpointLocation = query.checkpointLocation ?? ownCheckpoint!;
  // On the caller's checkpoint, the epochs delivered are remembered in this runtime: a query
  // restarted on it does not hand the handler an epoch Spark replays.
  const ledger = ownCheckpoint ? new MemoryEpochLedger() : ledgerFor(settings.runtime ?? defaultRuntime(), LEDGER_STREAM, checkpointLocation);
  const sink = new ForeachBatchSink(streamId, query.handler, () => query.emptyBatch(), ledger);
  const disconnect = (): Promise<void> => bridge.unregister(streamId).catch(() => undefined);
  // Payload memory may be kept for reuse while the query runs, as for a forward stream.
  const giveBackAllowance = payloadPool.allow(DEFAULT_MAX_BUFFERED_BYTES);
  const run = new ForeachBatchRun({
    disconnect,
    calledFromHandler: () => sink.callingHandler(),
    async release() {
      await sink.close(); // a handler call in progress settles first (its commit may still be answered)
      await disconnect();
      giveBackAllowance();
      if (ownCheckpoint) await rm(ownCheckpoint, { recursive: true, force: true }).catch(() => undefined);
    },
  });
  try {
    const registration = await bridge.register(streamId, { sink });
    // The writer's own options may override the session's settings; the address and secret are the stream's.
    const options = { ...settings.connector, ...query.options, ...registration.connectorOptions() };
    const started = await query.start({ options, checkpointLocation }, run);
    run.watch(started);
    return started;
  } catch (err) {
    await run.release();
    throw err;
  }
}
