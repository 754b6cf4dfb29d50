import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError } from '../../runtime/base/index.js';
import { StreamCoordinator } from '../../actors/stream-coordinator.js';
import type { StreamingIterator } from '../../actors/streaming-iterator.js';
import type { DataFrame } from '../connect/index.js';
import { BridgedStreamingQuery, watchQuery } from './bridged-query.js';
import { CoordinatorSink } from './coordinator-sink.js';
import {
  applyWriteOptions,
  batchSizeConnectorOptions,
  bridgeFor,
  checkDrainTimeout,
  checkWriteOptions,
  type BatchSizeOptions,
  type StreamLimitOptions,
  type WriteQueryOptions,
} from './options.js';

export interface FromSparkStreamingOptions extends StreamLimitOptions, WriteQueryOptions, BatchSizeOptions {
  /**
   * true: executors send their partitions straight to Node. false (the default, for small
   * streams): all data goes through one driver-side connection.
   */
  useJvmSink?: boolean;
}

export interface ForwardStream {
  /** `for await (const batch of iterator)`: Arrow record batches, in order per partition. */
  readonly iterator: StreamingIterator;
  readonly query: BridgedStreamingQuery;
  /** The stream's coordinator: for createPartitionedIterators, stats, monitoring. */
  readonly coordinator: StreamCoordinator;
}

/** Last epoch delivered per (stream id, checkpoint), for queries restarted in this process. */
const committedEpochs = new Map<string, number>();

/** How long query.stop() waits for Spark before closing the stream's sockets under it. */
const SPARK_STOP_GRACE_MS = 5000;

/**
 * Stream a Spark Structured Streaming DataFrame into Node: Spark writes it with the drls
 * connector (`format('drls')`) to this process's endpoint, one coordinator micro-batch per
 * Spark epoch with one entry per Spark partition, exactly once.
 */
export async function fromSparkStreaming(streamingDf: DataFrame, options: FromSparkStreamingOptions = {}): Promise<ForwardStream> {
  if (!streamingDf || typeof (streamingDf as { writeStream?: unknown }).writeStream !== 'object') {
    throw new InvalidArgumentError('streamingDf must be a streaming DataFrame from spark.readStream');
  }
  const { useJvmSink = false } = options;
  if (typeof useJvmSink !== 'boolean') throw new InvalidArgumentError(`options.useJvmSink must be a boolean, got ${JSON.stringify(useJvmSink)}`);
  checkWriteOptions(options);
  const batchSize = batchSizeConnectorOptions(options);
  const bridge = bridgeFor(options);

  const coordinator = StreamCoordinator.create(options);
  const iterator = coordinator.iterator();
  let registered = false;
  // Spark insists on a checkpoint for a custom sink; a fresh temporary one suits a local
  // Spark, and goes once the query has ended. Give your own (reachable by the cluster) to
  // survive restarts.
  let ownCheckpoint: string | undefined;
  const removeOwnCheckpoint = async (): Promise<void> => {
    if (ownCheckpoint) await rm(ownCheckpoint, { recursive: true, force: true });
  };
  try {
    // A query restarted on the same checkpoint resumes its epochs: the endpoint must know which
    // it already delivered, so a replayed epoch is not delivered twice.
    if (options.checkpointLocation === undefined) ownCheckpoint = await mkdtemp(join(tmpdir(), `drls-checkpoint-${coordinator.streamId}-`));
    const checkpoint = options.checkpointLocation ?? ownCheckpoint!;
    const resumeKey = `${coordinator.streamId}\u0000${checkpoint}`;
    // Only a checkpoint of the caller's can be restarted on, so only its epochs are remembered.
    const sink = new CoordinatorSink(coordinator, ownCheckpoint ? undefined : (epoch) => committedEpochs.set(resumeKey, epoch));
    const registration = await bridge.register(coordinator.streamId, { sink, lastCommittedEpoch: committedEpochs.get(resumeKey) ?? -1 });
    registered = true;
    const connector = { ...registration.connectorOptions(), ...batchSize, useJvmSink: String(useJvmSink) };
    const writer = streamingDf.writeStream.format('drls').options(connector);
    const query = await applyWriteOptions(writer, { ...options, checkpointLocation: checkpoint }).start();
    const watcher = watchQuery(query, coordinator, removeOwnCheckpoint);

    let stopping: Promise<void> | undefined;
    const stop = async (drainTimeoutMs: number): Promise<void> => {
      // Checked before the stop is remembered: a bad value must not make every later stop() fail.
      checkDrainTimeout(drainTimeoutMs);
      return (stopping ??= (async () => {
        await watcher.stop();
        // A task blocked by backpressure may not notice Spark's stop; closing the stream's
        // sockets after a grace period unblocks it.
        const sparkStopped = query.stop().catch(() => undefined);
        const inTime = await Promise.race([sparkStopped.then(() => true), delay(SPARK_STOP_GRACE_MS, false, { ref: false })]);
        await bridge.unregister(coordinator.streamId).catch(() => undefined);
        if (!inTime) await sparkStopped;
        try {
          await coordinator.complete();
          if ((await coordinator.getStats()).numConsumers > 0) await coordinator.waitForDrain({ timeoutMs: drainTimeoutMs });
        } finally {
          coordinator.remove();
          await removeOwnCheckpoint().catch(() => undefined);
        }
      })());
    };
    return { iterator, query: new BridgedStreamingQuery(query, stop), coordinator };
  } catch (err) {
    if (registered) await bridge.unregister(coordinator.streamId).catch(() => undefined);
    await iterator.close();
    coordinator.remove();
    await removeOwnCheckpoint().catch(() => undefined);
    throw err;
  }
}
