import { randomUUID } from 'node:crypto';
import { Table, tableToIPC, type Schema } from 'apache-arrow';
import { InvalidArgumentError, checkOptionalString } from '../../runtime/base/index.js';
import { createCoordinator, publishEntries } from '../../actors/stream-coordinator.js';
import { storedEntry } from '../../actors/stream-coordinator-protocol.js';
import { Producer, startProducer, type ArrowChunk, type ArrowSource } from '../../actors/producer.js';
import type { DataFrame, OptionValue, SparkSession, StreamingQuery } from '../connect/index.js';
import type { StreamCoordinator } from '../../actors/stream-coordinator.js';
import { waitForSparkRead } from './spark-read-progress.js';
import { CoordinatorSource } from './coordinator-source.js';
import { streamBridge } from './stream-bridge.js';
import type { StreamHandle } from './stream-handle.js';
import { applyWriteOptions, checkWriteOptions, stopTimeout, type BridgedStreamOptions, type WriteQueryOptions } from './stream-options.js';
import { checkLogOptions } from './stream-log/log-options.js';
import { ReverseLog } from './stream-log/reverse-log.js';

export interface ToSparkStreamingOptions extends BridgedStreamOptions, WriteQueryOptions {
  /** With `format`, the write starts at once (as in the seed's example) and `query` is returned. */
  format?: string;
  /** Options of that write (`path`, `truncate`...). */
  options?: Record<string, OptionValue>;
  /**
   * The source's Arrow schema. Spark needs it to start a query on `df`; without it, starting
   * one waits for the source's first batch (and a source fed by that very query never starts).
   */
  schema?: Schema;
}

/**
 * `stop()` stops reading the source, completes the stream, waits up to `timeoutMs` (default
 * 30 s) for Spark to commit what is buffered, stops the write started here (if any) and
 * releases the stream.
 */
export interface ReverseStreamHandle extends StreamHandle {
  /** The source's error, once the producer failed on it; null otherwise. */
  readonly producerError: Error | null;
  /**
   * With a stream log: the position (batch id) of the last batch the log held when the stream
   * started, which the producer's source resumes after; -1 for a new log, or without one.
   */
  readonly resumePosition: number;
}

/**
 * A source that can start anywhere: with a stream log, `resumeAfter` is called once with the
 * position of the last batch the log holds (-1 for a new log) and returns the source of what
 * comes after it. Positions count the source's chunks: the n-th chunk ever published is at
 * position n - 1.
 */
export interface ResumableSource {
  resumeAfter(position: number): ArrowSource;
}

export interface ReverseStream {
  /** A streaming DataFrame any sink accepts. */
  readonly df: DataFrame;
  readonly handle: ReverseStreamHandle;
  /** The write query, when `format` was given. */
  readonly query: StreamingQuery | undefined;
}

/**
 * Stream Arrow data made in Node into Spark: a producer drains `source` into a coordinator,
 * and `spark.readStream.format('drls')` reads it batch by batch, offsets being batch ids;
 * what Spark commits is freed. With `options.log`, each batch is on Node's disk before Spark
 * can see it, batch ids are positions in that log (monotonic across Node restarts), and a
 * stream started again on it offers Spark again whatever Spark had not committed, then resumes
 * the source after the last batch logged (see ResumableSource, README "Durable streams").
 */
export async function toSparkStreaming(source: ArrowSource | ResumableSource, spark: SparkSession, options: ToSparkStreamingOptions = {}): Promise<ReverseStream> {
  if (!spark || typeof (spark as { readStream?: unknown }).readStream !== 'object') {
    throw new InvalidArgumentError('spark must be a SparkSession (from initSpark())');
  }
  checkOptionalString(options.format, 'options.format');
  checkWriteOptions(options);
  const logOptions = checkLogOptions(options.log);
  const bridge = streamBridge(options);

  const streamId = options.streamId ?? randomUUID();
  const log = logOptions ? await ReverseLog.open(logOptions, streamId) : undefined;
  let closed: Promise<void> | undefined;
  const closeLog = (): Promise<void> => (closed ??= log ? log.close().catch(() => undefined) : Promise.resolve());
  let coordinator;
  try {
    coordinator = createCoordinator(
      { ...options, streamId },
      log ? { firstBatchId: log.firstPosition, onAcknowledged: (through) => log.acknowledge(through), onStopped: () => void closeLog() } : {},
    );
  } catch (err) {
    await closeLog();
    throw err;
  }
  const resumePosition = log ? log.lastPosition : -1;
  let producer: Producer;
  try {
    const from = resumable(source) ? source.resumeAfter(resumePosition) : source;
    if (log) {
      // What Spark had not committed is offered again first, at the positions it had.
      const replayed = replay(log, coordinator);
      replayed.catch((err: unknown) => coordinator.fail(err).catch(() => undefined));
      producer = startProducer(from, coordinator, {}, async (chunk) => {
        await replayed;
        return logAndPublish(log, coordinator, chunk);
      });
    } else {
      producer = Producer.start(from, coordinator);
    }
  } catch (err) {
    coordinator.stop(); // a source refused at the edge leaves nothing behind
    await closeLog();
    throw err;
  }
  const target = new CoordinatorSource(coordinator, options.schema ?? log?.schema, { firstBatchId: log?.firstPosition ?? 0, log });
  let producerError: Error | null = null;
  producer.done.catch((err: Error) => (producerError = err));

  try {
    const registration = await bridge.register(coordinator.streamId, { source: target });
    const df = spark.readStream.format('drls').options({ ...registration.connectorOptions() }).load();

    let query: StreamingQuery | undefined;
    if (options.format) {
      const writer = df.writeStream.format(options.format);
      if (options.options) writer.options(options.options);
      query = await applyWriteOptions(writer, options).start();
    }

    let stopping: Promise<void> | undefined;
    const handle: ReverseStreamHandle = {
      streamId: coordinator.streamId,
      coordinator,
      get producerError() {
        return producerError;
      },
      resumePosition,
      async stop(stopOptions) {
        // Checked before the stop is remembered: a bad value must not make every later stop() fail.
        const timeoutMs = stopTimeout(stopOptions);
        return (stopping ??= (async () => {
          try {
            await producer.stop();
            if (coordinator.alive) {
              await coordinator.complete();
              await producer.done.catch(() => undefined);
              await waitForSparkRead(spark, coordinator, query, timeoutMs);
            }
          } finally {
            await query?.stop().catch(() => undefined);
            await bridge.unregister(coordinator.streamId).catch(() => undefined);
            coordinator.stop();
            await closeLog();
          }
        })());
      },
    };
    return { df, handle, query };
  } catch (err) {
    await producer.stop();
    await bridge.unregister(coordinator.streamId).catch(() => undefined);
    coordinator.stop();
    await closeLog();
    throw err;
  }
}

function resumable(source: ArrowSource | ResumableSource): source is ResumableSource {
  return !!source && typeof source === 'object' && typeof (source as Partial<ResumableSource>).resumeAfter === 'function' && !(Symbol.iterator in source) && !(Symbol.asyncIterator in source);
}

/**
 * Publishes the log's batches Spark did not commit, oldest first, each read from disk when
 * fetched: all queued at once (so the stream's completion comes after them), admitted as room frees.
 */
function replay(log: ReverseLog, coordinator: StreamCoordinator): Promise<void> {
  const queued = log.pendingPositions().map((position) => publishEntries(coordinator, [storedEntry(0, log.entry(position, log.schema!))], { batchId: position }));
  return Promise.all(queued).then(() => undefined);
}

/**
 * The producer's publish with a log: the chunk's Arrow IPC appended at the log's next position,
 * then published under that batch id, so Spark never sees a batch the log does not hold.
 */
async function logAndPublish(log: ReverseLog, coordinator: StreamCoordinator, chunk: ArrowChunk): Promise<number> {
  const table = 'batches' in chunk ? chunk : new Table([chunk]);
  const position = await log.append(tableToIPC(table, 'stream'), chunk.numRows);
  return publishEntries(coordinator, [storedEntry(0, log.entry(position, chunk.schema))], { batchId: position });
}
