import type { Schema } from 'apache-arrow';
import { InvalidArgumentError, checkOptionalString } from '../../runtime/base/index.js';
import { StreamCoordinator } from '../../actors/stream-coordinator.js';
import { Producer, type ArrowSource } from '../../actors/producer.js';
import type { DataFrame, OptionValue, SparkSession, StreamingQuery } from '../connect/index.js';
import { waitForSparkRead } from './spark-read-progress.js';
import { CoordinatorSource } from './coordinator-source.js';
import { streamBridge } from './stream-bridge.js';
import type { StreamHandle } from './stream-handle.js';
import { applyWriteOptions, checkWriteOptions, stopTimeout, type BridgedStreamOptions, type WriteQueryOptions } from './stream-options.js';

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
 * what Spark commits is freed.
 */
export async function toSparkStreaming(source: ArrowSource, spark: SparkSession, options: ToSparkStreamingOptions = {}): Promise<ReverseStream> {
  if (!spark || typeof (spark as { readStream?: unknown }).readStream !== 'object') {
    throw new InvalidArgumentError('spark must be a SparkSession (from initSpark())');
  }
  checkOptionalString(options.format, 'options.format');
  checkWriteOptions(options);
  const bridge = streamBridge(options);

  const coordinator = StreamCoordinator.create(options);
  let producer: Producer;
  try {
    producer = Producer.start(source, coordinator);
  } catch (err) {
    coordinator.stop(); // a source refused at the edge leaves nothing behind
    throw err;
  }
  const target = new CoordinatorSource(coordinator, options.schema);
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
          }
        })());
      },
    };
    return { df, handle, query };
  } catch (err) {
    await producer.stop();
    await bridge.unregister(coordinator.streamId).catch(() => undefined);
    coordinator.stop();
    throw err;
  }
}
