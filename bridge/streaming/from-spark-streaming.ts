import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError, checkBoolean } from '../../runtime/base/index.js';
import { StreamCoordinator, type StreamingIterator } from '../../actors/index.js';
import { coordinatorRuntime } from '../../actors/stream-coordinator.js';
import type { DataFrame, StreamingQuery } from '../connect/index.js';
import { CoordinatorSink } from './coordinator-sink.js';
import { ledgerFor } from './epoch-ledgers.js';
import { watchQuery } from './query-watcher.js';
import { streamBridge } from './stream-bridge.js';
import type { StreamHandle } from './stream-handle.js';
import {
  applyWriteOptions,
  batchSizeConnectorOptions,
  checkWriteOptions,
  stopTimeout,
  type BatchSizeOptions,
  type BridgedStreamOptions,
  type WriteQueryOptions,
} from './stream-options.js';

export interface FromSparkStreamingOptions extends BridgedStreamOptions, WriteQueryOptions, BatchSizeOptions {
  /**
   * true: executors send their partitions straight to Node. false (the default, for small
   * streams): all data goes through one driver-side connection.
   */
  useJvmSink?: boolean;
}

export interface ForwardStream {
  /**
   * `for await (const batch of iterator)`: Arrow record batches, in order per partition. The
   * consumer is registered when this property is first read: a stream consumed only by
   * `createPartitionedIterators` or `runPartitioned` never reads it, and so has no other reader.
   */
  readonly iterator: StreamingIterator;
  /** Spark's query. Stopping it completes the stream (consumers end after the rest); `handle.stop()` also releases it. */
  readonly query: StreamingQuery;
  /** The stream's coordinator: for partitioned consumers, stats, monitoring. */
  readonly coordinator: StreamCoordinator;
  readonly handle: StreamHandle;
}

/** A task blocked by backpressure may not notice Spark's stop: after this long its sockets are closed. */
const SPARK_STOP_GRACE_MS = 5000;

/**
 * Stream a Spark streaming DataFrame into Node: `writeStream.format('drls')` sends each
 * epoch's partitions as Arrow IPC to this process, which publishes the epoch as one
 * micro-batch (one entry per Spark partition) at Spark's commit, exactly once.
 */
export async function fromSparkStreaming(streamingDf: DataFrame, options: FromSparkStreamingOptions = {}): Promise<ForwardStream> {
  if (!streamingDf || typeof (streamingDf as { writeStream?: unknown }).writeStream !== 'object') {
    throw new InvalidArgumentError('streamingDf must be a streaming DataFrame from spark.readStream');
  }
  const { useJvmSink = false } = options;
  checkBoolean(useJvmSink, 'options.useJvmSink');
  checkWriteOptions(options);
  const batchSize = batchSizeConnectorOptions(options);
  const bridge = streamBridge(options);

  const coordinator = StreamCoordinator.create(options);
  let registered = false;
  // Spark insists on a checkpoint for a custom sink; a fresh temporary one suits a local
  // Spark, and goes once the query has ended. Give your own (reachable by the cluster) to
  // survive restarts.
  let ownCheckpoint: string | undefined;
  const removeOwnCheckpoint = async (): Promise<void> => {
    if (ownCheckpoint) await rm(ownCheckpoint, { recursive: true, force: true });
  };
  try {
    if (options.checkpointLocation === undefined) ownCheckpoint = await mkdtemp(join(tmpdir(), `drls-checkpoint-${coordinator.streamId}-`));
    const checkpoint = options.checkpointLocation ?? ownCheckpoint!;
    // Only a checkpoint of the caller's can be restarted on, so only its epochs are remembered.
    const ledger = ownCheckpoint ? undefined : ledgerFor(coordinatorRuntime(coordinator), coordinator.streamId, checkpoint);
    const registration = await bridge.register(coordinator.streamId, { sink: new CoordinatorSink(coordinator, ledger) });
    registered = true;
    const connector = { ...registration.connectorOptions(), ...batchSize, useJvmSink: String(useJvmSink) };
    const writer = streamingDf.writeStream.format('drls').options(connector);
    const query = await applyWriteOptions(writer, { ...options, checkpointLocation: checkpoint }).start();
    const watcher = watchQuery(query, coordinator, removeOwnCheckpoint);

    let stopping: Promise<void> | undefined;
    const handle: StreamHandle = {
      streamId: coordinator.streamId,
      coordinator,
      stop(stopOptions) {
        // Checked before the stop is remembered: a bad value must not make every later stop() fail.
        const timeoutMs = stopTimeout(stopOptions);
        return (stopping ??= (async () => {
          await watcher.stop();
          const sparkStopped = query.stop().catch(() => undefined);
          const inTime = await Promise.race([sparkStopped.then(() => true), delay(SPARK_STOP_GRACE_MS, false, { ref: false })]);
          await bridge.unregister(coordinator.streamId).catch(() => undefined);
          if (!inTime) await sparkStopped;
          try {
            await coordinator.complete();
            if ((await coordinator.getStats()).numConsumers > 0) await coordinator.waitForDrain({ timeoutMs });
          } finally {
            coordinator.stop();
            await removeOwnCheckpoint().catch(() => undefined);
          }
        })());
      },
    };
    let iterator: StreamingIterator | undefined;
    return {
      get iterator() {
        return (iterator ??= coordinator.iterator());
      },
      query,
      coordinator,
      handle,
    };
  } catch (err) {
    if (registered) await bridge.unregister(coordinator.streamId).catch(() => undefined);
    coordinator.stop();
    await removeOwnCheckpoint().catch(() => undefined);
    throw err;
  }
}
