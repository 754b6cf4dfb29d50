import { checkIntegerInRange, checkOptionalString, checkTimeout } from '../../runtime/base/index.js';
import type { StreamCoordinatorOptions } from '../../actors/index.js';
import type { DataStreamWriter, OutputMode, Trigger } from '../connect/index.js';
import type { EndpointAddressOptions } from './stream-bridge.js';
import type { StreamLogOptions } from './stream-log/log-options.js';

/** A bridged stream's coordinator, and where Spark's connector reaches it. */
export interface BridgedStreamOptions extends StreamCoordinatorOptions {
  endpoint?: EndpointAddressOptions;
  /**
   * A stream log on Node's disk, so the stream survives Node restarting: `{ dir, fsync? }`
   * (see README, "Durable streams"). Apart from Spark's `checkpointLocation`; keep the two together.
   */
  log?: StreamLogOptions;
}

/** How Spark's tasks cut a partition into Arrow record batches (the forward path). */
export interface BatchSizeOptions {
  /** Rows per record batch; default 65,536. Smaller batches reach Node sooner; larger cost Node less CPU per row. */
  maxRowsPerBatch?: number;
  /** A record batch also ends once it holds this many bytes (wide rows); default 16 MiB, at most 512 MiB. */
  maxBytesPerBatch?: number;
}

/** Each batch-size option's largest value: an int on the JVM; half a frame's limit for bytes, as a batch may pass it by its last row. */
const BATCH_SIZE_LIMITS = { maxRowsPerBatch: 2 ** 31 - 1, maxBytesPerBatch: 512 * 1024 * 1024 } as const;

/** Checks the batch-size options and returns the connector options they become (only those given). */
export function batchSizeConnectorOptions(options: BatchSizeOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, max] of Object.entries(BATCH_SIZE_LIMITS) as [keyof BatchSizeOptions, number][]) {
    const value = options[name];
    if (value === undefined) continue;
    checkIntegerInRange(value, `options.${name}`, 1, max);
    out[name] = String(value);
  }
  return out;
}

export interface WriteQueryOptions {
  trigger?: Trigger;
  checkpointLocation?: string;
  queryName?: string;
  outputMode?: OutputMode;
}

/**
 * How long a stop() lets Spark's own stop run before closing the stream's connections: a task
 * (or a driver's commit) blocked on Node may not notice Spark's stop until its socket closes.
 */
export const SPARK_STOP_GRACE_MS = 5000;

/** How long a stream's stop() waits for what is buffered to be taken, unless told otherwise. */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/** Checks stop()'s options; the timeout it should wait. */
export function stopTimeout(options: { timeoutMs?: number } | undefined): number {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  checkTimeout(timeoutMs, 'options.timeoutMs');
  return timeoutMs;
}

/** Check the write options once, before any stream is created. */
export function checkWriteOptions(options: WriteQueryOptions): void {
  checkOptionalString(options.checkpointLocation, 'options.checkpointLocation');
  checkOptionalString(options.queryName, 'options.queryName');
}

/** Apply the write options both bridge directions share to a stream writer. */
export function applyWriteOptions(writer: DataStreamWriter, options: WriteQueryOptions): DataStreamWriter {
  writer.outputMode(options.outputMode ?? 'append');
  if (options.trigger) writer.trigger(options.trigger);
  if (options.checkpointLocation) writer.checkpointLocation(options.checkpointLocation);
  if (options.queryName) writer.queryName(options.queryName);
  return writer;
}
