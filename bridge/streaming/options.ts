import { InvalidArgumentError } from '../../errors.js';
import { checkPositive } from '../../actors/options.js';
import { JvmBridge } from '../../actors/jvm-bridge.js';
import type { ActorRuntime } from '../../runtime/index.js';
import type { DataStreamWriter, OutputMode, Trigger } from '../connect/index.js';

/** Where the JVM connector reaches Node. */
export interface EndpointAddressOptions {
  /** Interface the endpoint binds; default '127.0.0.1'. Use '0.0.0.0' for a cluster. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The address executors should dial, when it differs from `host` (e.g. bound to 0.0.0.0). */
  advertisedHost?: string;
}

export interface StreamLimitOptions {
  /** Name of the stream and its coordinator; default a random id. */
  streamId?: string;
  /** Default 64. */
  maxBufferedBatches?: number;
  /** Default 2 GiB. */
  maxBufferedBytes?: number;
  /** Default: the process-wide actor runtime. */
  runtime?: ActorRuntime;
  endpoint?: EndpointAddressOptions;
}

/** How Spark's tasks cut a partition into Arrow record batches (the forward path). */
export interface BatchSizeOptions {
  /** Rows per record batch; default 65,536. Smaller batches reach Node sooner; larger cost Node less CPU per row. */
  maxRowsPerBatch?: number;
  /** A record batch also ends once it holds this many bytes (wide rows); default 16 MiB, at most 512 MiB. */
  maxBytesPerBatch?: number;
}

/** The largest maxBytesPerBatch: half a frame's limit, as a batch may pass it by its last row. */
const MAX_BYTES_PER_BATCH = 512 * 1024 * 1024;
const MAX_INT32 = 2 ** 31 - 1;

/** Checks the batch-size options and returns the connector options they become (only those given). */
export function batchSizeConnectorOptions(options: BatchSizeOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const { maxRowsPerBatch, maxBytesPerBatch } = options;
  if (maxRowsPerBatch !== undefined) {
    checkPositive(maxRowsPerBatch, 'options.maxRowsPerBatch', { integer: true });
    if (maxRowsPerBatch > MAX_INT32) throw new InvalidArgumentError(`options.maxRowsPerBatch must be at most ${MAX_INT32}, got ${maxRowsPerBatch}`);
    out['maxRowsPerBatch'] = String(maxRowsPerBatch);
  }
  if (maxBytesPerBatch !== undefined) {
    checkPositive(maxBytesPerBatch, 'options.maxBytesPerBatch', { integer: true });
    if (maxBytesPerBatch > MAX_BYTES_PER_BATCH) {
      throw new InvalidArgumentError(`options.maxBytesPerBatch must be at most ${MAX_BYTES_PER_BATCH} (512 MiB), got ${maxBytesPerBatch}`);
    }
    out['maxBytesPerBatch'] = String(maxBytesPerBatch);
  }
  return out;
}

export interface WriteQueryOptions {
  trigger?: Trigger;
  checkpointLocation?: string;
  queryName?: string;
  outputMode?: OutputMode;
}

export function checkDrainTimeout(value: unknown): number {
  checkPositive(value, 'options.drainTimeoutMs');
  return value;
}

/** The runtime's JVM bridge; the endpoint options count when it is first started. */
export function bridgeFor(options: StreamLimitOptions): JvmBridge {
  const { host, port, advertisedHost } = options.endpoint ?? {};
  checkOptionalString(advertisedHost, 'options.endpoint.advertisedHost');
  return JvmBridge.get({ runtime: options.runtime, host, port, advertisedHost });
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

export function checkOptionalString(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new InvalidArgumentError(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}
