import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { checkOneOf, InvalidArgumentError, WorkerFailedError, checkPositive } from '../runtime/base/index.js';
import type { RecordBatch } from 'apache-arrow';
import { entryBatches, type StreamCoordinator } from '../actors/stream-coordinator.js';
import { acknowledgeMicroBatch, takeMicroBatch, type StreamingIterator } from '../actors/streaming-iterator.js';
import { storedOf } from '../actors/stream-coordinator-protocol.js';
import { TRANSFER_MODES, packBatches, type TransferMode } from './arrow-transfer.js';
import type { BatchInfo } from './batch-info.js';
import type { WorkerTask } from './batch-worker.js';
import { createPartitionedIterators } from './partitioned-iterators.js';

export interface PartitionedRunOptions<R> {
  coordinator: StreamCoordinator;
  /** Path or file URL of a module whose default export is `(batch, info) => result`. */
  worker: string | URL;
  numConsumers: number;
  numPartitions: number;
  /**
   * 'move' (default) transfers the batch's buffers to the worker, leaving the coordinator's copy
   * empty, so the run must be the stream's only reader (checked at the start); 'copy' clones them.
   */
  transfer?: TransferMode;
  /** Partition entries sent ahead to a consumer's thread before its first result is back. Default 2. */
  maxInFlight?: number;
  /**
   * Called on the main thread with each batch's result, in order per consumer; `info.epoch` is
   * the Spark epoch of its micro-batch (null for data published in Node).
   */
  onResult?: (result: R, info: BatchInfo) => unknown;
  /** Stops the run early; what is in flight finishes first. */
  signal?: AbortSignal;
}

export interface RunSummary {
  readonly batches: number;
  readonly rows: number;
  /** Record batches processed by each consumer. */
  readonly perConsumer: readonly number[];
}

/**
 * Partitioned consumers on worker threads: consumer i takes partitions p with
 * p % numConsumers === i and runs every batch of them on its own thread (a one-thread
 * piscina pool), in order, with the Arrow buffers moved, not copied. Resolves when the
 * stream ends; rejects with WorkerFailedError (batch id and partition) when a worker throws
 * or dies, after stopping every consumer and closing the pools. A consumer acknowledges a
 * micro-batch once every entry of it has its worker's result back (and `onResult` has run on
 * each); an entry whose data is on disk (a spilled epoch) is read and sent a payload at a time.
 */
export async function runPartitioned<R = unknown>(options: PartitionedRunOptions<R>): Promise<RunSummary> {
  const { coordinator, numConsumers, numPartitions } = options;
  const module = checkWorker(options.worker);
  const transfer = options.transfer ?? 'move';
  checkOneOf(transfer, 'options.transfer', TRANSFER_MODES);
  const maxInFlight = options.maxInFlight ?? 2;
  checkPositive(maxInFlight, 'options.maxInFlight', { integer: true });
  // Ids of this run's own: a caller's consumers on the same stream keep theirs, and the count
  // of other consumers below is not fooled by a refused duplicate.
  const consumerPrefix = `run-${randomUUID().slice(0, 8)}`;
  const iterators = createPartitionedIterators({ coordinator, numConsumers, numPartitions, consumerPrefix });
  const stopAll = async (): Promise<void> => {
    await Promise.all(iterators.map((it) => it.close()));
  };
  if (transfer === 'move') {
    // Moving empties the coordinator's copy of a batch: another consumer of this stream would
    // read empty vectors, with no error. (Asked after the registrations above: it counts them.)
    const others = (await coordinator.getStats()).numConsumers - numConsumers;
    if (others > 0) {
      await stopAll();
      throw new InvalidArgumentError(
        `options.transfer 'move' hands each batch's buffers to a worker, but stream "${coordinator.streamId}" has ` +
          `${others} other consumer(s), which would then read emptied batches: close them (e.g. the iterator ` +
          `fromSparkStreaming returned) or use transfer: 'copy'`,
      );
    }
  }
  const pools = iterators.map(
    () =>
      new Piscina({
        filename: WORKER_FILE,
        // One thread per consumer, never replaced for idling: every batch of a consumer runs on it, in order.
        minThreads: 1,
        maxThreads: 1,
        idleTimeout: Infinity,
        concurrentTasksPerWorker: 1,
      }),
  );
  let failure: unknown;
  // A worker that dies can also surface as a pool 'error' event; without a listener that
  // event would take the whole process down instead of failing this run.
  for (const pool of pools) pool.on('error', (err: unknown) => {
    if (failure === undefined) failure = new WorkerFailedError(-1, -1, err);
    void stopAll();
  });
  const counts = iterators.map(() => 0);
  let rows = 0;
  const onAbort = (): void => void stopAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const consume = async (it: StreamingIterator, consumer: number): Promise<void> => {
    const pool = pools[consumer]!;
    interface InFlight {
      readonly info: Omit<BatchInfo, 'index'>;
      /** Index in its entry of the task's first batch (an entry on disk goes as several tasks). */
      readonly firstIndex: number;
      readonly result: Promise<unknown[]>;
      /** The task is its micro-batch's last: once it is settled, the micro-batch is acknowledged. */
      readonly completes: boolean;
    }
    const inFlight: InFlight[] = [];
    const settleOldest = async (): Promise<void> => {
      const { info, firstIndex, result, completes } = inFlight.shift()!;
      let results: unknown[];
      try {
        results = await result;
      } catch (err) {
        throw new WorkerFailedError(info.batchId, info.partition, err);
      }
      for (let index = 0; index < results.length; index++) {
        counts[consumer]!++;
        await options.onResult?.(results[index] as R, { ...info, index: firstIndex + index });
      }
      if (completes) await acknowledgeMicroBatch(it, info.batchId);
    };
    const send = async (info: InFlight['info'], batches: readonly RecordBatch[], firstIndex: number): Promise<void> => {
      const { packet, transferList } = packBatches(batches, transfer);
      for (const b of batches) rows += b.numRows;
      const task: WorkerTask = { module, packet, batchId: info.batchId, epoch: info.epoch, partition: info.partition, consumer, firstIndex };
      const result = pool.run(task, { transferList }) as Promise<unknown[]>;
      // Keep rejections of not-yet-awaited tasks from being reported as unhandled.
      result.catch(() => undefined);
      inFlight.push({ info, firstIndex, result, completes: false });
      if (inFlight.length >= maxInFlight) await settleOldest();
    };
    try {
      for (let micro = await takeMicroBatch(it); micro; micro = await takeMicroBatch(it)) {
        if (failure !== undefined || options.signal?.aborted) break;
        for (const entry of micro.partitions) {
          const info = { batchId: micro.batchId, epoch: micro.epoch, partition: entry.partition, consumer };
          if (!storedOf(entry)) {
            if (entry.batches.length > 0) await send(info, entry.batches, 0);
            continue;
          }
          let index = 0;
          for await (const batch of entryBatches(entry, coordinator.streamId)) {
            await send(info, [batch], index++);
          }
        }
        // Marks the micro-batch's last task (or a no-op one, when none was sent): acknowledged in order.
        const last = inFlight.at(-1);
        if (last && last.info.batchId === micro.batchId) inFlight[inFlight.length - 1] = { ...last, completes: true };
        else inFlight.push({ info: { batchId: micro.batchId, epoch: micro.epoch, partition: -1, consumer }, firstIndex: 0, result: Promise.resolve([]), completes: true });
      }
      while (inFlight.length > 0) await settleOldest();
    } finally {
      await it.close();
    }
  };

  try {
    await Promise.all(
      iterators.map((it, i) =>
        consume(it, i).catch(async (err: unknown) => {
          if (failure === undefined) failure = err;
          await stopAll();
        }),
      ),
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await stopAll();
    await Promise.all(pools.map((p) => p.destroy()));
  }
  if (failure !== undefined) throw failure;
  return { batches: counts.reduce((a, b) => a + b, 0), rows, perConsumer: counts };
}

// The worker module beside this one, in the same form: .ts when drls runs from its sources, .js once built.
const WORKER_FILE = fileURLToPath(new URL(`./batch-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

function checkWorker(worker: unknown): string {
  if (worker instanceof URL) return worker.href;
  if (typeof worker === 'string' && worker.length > 0) {
    const path = worker.startsWith('file:') ? fileURLToPath(worker) : worker;
    if (!existsSync(path)) throw new InvalidArgumentError(`options.worker: no such module ${worker}`);
    return worker;
  }
  throw new InvalidArgumentError(`options.worker must be a module path or file URL, got ${JSON.stringify(worker)}`);
}
