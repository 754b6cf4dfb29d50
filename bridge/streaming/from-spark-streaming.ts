import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError, checkBoolean, payloadPool } from '../../runtime/base/index.js';
import type { StreamCoordinator, StreamingIterator } from '../../actors/index.js';
import { DEFAULT_MAX_BUFFERED_BYTES, coordinatorRuntime, createCoordinator } from '../../actors/stream-coordinator.js';
import type { DataFrame, StreamingQuery } from '../connect/index.js';
import { CoordinatorSink } from './coordinator-sink.js';
import { ledgerFor } from './epoch-ledgers.js';
import { watchQuery } from './query-watcher.js';
import { streamBridge } from './stream-bridge.js';
import type { StreamHandle } from './stream-handle.js';
import { ForwardLog } from './stream-log/forward-log.js';
import { checkLogOptions } from './stream-log/log-options.js';
import {
  applyWriteOptions,
  batchSizeConnectorOptions,
  checkWriteOptions,
  SPARK_STOP_GRACE_MS,
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
   * `iterator.lastEpoch` is the Spark epoch of the batch last given.
   */
  readonly iterator: StreamingIterator;
  /** Spark's query. Stopping it completes the stream (consumers end after the rest); `handle.stop()` also releases it. */
  readonly query: StreamingQuery;
  /** The stream's coordinator: for partitioned consumers, stats, monitoring. */
  readonly coordinator: StreamCoordinator;
  readonly handle: StreamHandle;
}

/**
 * Stream a Spark streaming DataFrame into Node: `writeStream.format('drls')` sends each
 * epoch's partitions as Arrow IPC to this process, which publishes the epoch as one
 * micro-batch (one entry per Spark partition) at Spark's commit, exactly once. With
 * `options.log`, each epoch is on Node's disk before Spark's commit is answered, and a
 * stream started again on that log (and the same checkpoint) first delivers the epochs its
 * consumers had not acknowledged, each with its epoch id (README, "Durable streams").
 */
export async function fromSparkStreaming(streamingDf: DataFrame, options: FromSparkStreamingOptions = {}): Promise<ForwardStream> {
  if (!streamingDf || typeof (streamingDf as { writeStream?: unknown }).writeStream !== 'object') {
    throw new InvalidArgumentError('streamingDf must be a streaming DataFrame from spark.readStream');
  }
  const { useJvmSink = false } = options;
  checkBoolean(useJvmSink, 'options.useJvmSink');
  checkWriteOptions(options);
  const logOptions = checkLogOptions(options.log);
  const batchSize = batchSizeConnectorOptions(options);
  const bridge = streamBridge(options);

  let sink: CoordinatorSink | undefined;
  let log: ForwardLog | undefined;
  // Whoever stops the coordinator (handle.stop(), or the caller directly), the log and any spilled files go with it.
  let released: Promise<void> | undefined;
  // Payload memory may be kept for reuse up to what this stream may buffer (README, "Node's
  // garbage collector and payload memory").
  let returnPoolAllowance: (() => void) | undefined;
  const release = (): Promise<void> =>
    (released ??= (async () => {
      returnPoolAllowance?.();
      await sink?.close().catch(() => undefined);
      await log?.close().catch(() => undefined);
    })());
  const coordinator = createCoordinator(options, {
    onAcknowledged: (through) => sink?.acknowledged(through),
    onStopped: () => void release(),
  });
  let registered = false;
  // Spark insists on a checkpoint for a custom sink; a fresh temporary one suits a local
  // Spark, and goes once the query has ended. Give your own (reachable by the cluster) to
  // survive restarts.
  let ownCheckpoint: string | undefined;
  const removeOwnCheckpoint = async (): Promise<void> => {
    if (ownCheckpoint) await rm(ownCheckpoint, { recursive: true, force: true });
  };
  returnPoolAllowance = payloadPool.allow(options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES);
  try {
    if (options.checkpointLocation === undefined) ownCheckpoint = await mkdtemp(join(tmpdir(), `drls-checkpoint-${coordinator.streamId}-`));
    const checkpoint = options.checkpointLocation ?? ownCheckpoint!;
    if (logOptions) log = await ForwardLog.open(logOptions, coordinator.streamId);
    // Only a checkpoint of the caller's can be restarted on, so only its epochs are remembered
    // (a log remembers them itself, across processes).
    const ledger = ownCheckpoint || log ? undefined : ledgerFor(coordinatorRuntime(coordinator), coordinator.streamId, checkpoint);
    sink = new CoordinatorSink(coordinator, ledger, { log });
    // What the log holds unacknowledged comes first, queued before Spark's query can end the
    // stream; Spark's new epochs wait for it.
    const { admitted } = await sink.replayLog();
    admitted.catch((err: unknown) => coordinator.fail(err).catch(() => undefined));
    const registration = await bridge.register(coordinator.streamId, { sink });
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
            await release();
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
    await release();
    await removeOwnCheckpoint().catch(() => undefined);
    throw err;
  }
}
