import { InvalidArgumentError } from '../../errors.js';
import type { ActorRuntime } from '../../runtime/index.js';
import type { OutputMode, Trigger } from '../connect/index.js';

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

export interface WriteQueryOptions {
  trigger?: Trigger;
  checkpointLocation?: string;
  queryName?: string;
  outputMode?: OutputMode;
}

export function checkDrainTimeout(value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError(`options.drainTimeoutMs must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

export function checkOptionalString(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new InvalidArgumentError(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}
