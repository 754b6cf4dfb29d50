import { InvalidArgumentError, checkIntegerInRange, checkPositive } from '../../runtime/base/index.js';
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
