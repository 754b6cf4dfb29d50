import type { ErrorCode } from './error-codes.js';
import { errorMessage } from './error-message.js';

/**
 * Every error drls raises is a DrlsError whose `code` comes from the one registry
 * (error-codes.ts). Programmer errors (a bad option) throw at once; state errors (a failed
 * stream, a stopped actor) arrive through the promise of the call that met them.
 */
export class DrlsError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

// --- options and arguments -------------------------------------------------------------

/** An option or argument failed validation at the API edge; the message names it. */
export class InvalidArgumentError extends DrlsError<'DRLS_INVALID_ARGUMENT'> {
  constructor(message: string) {
    super('DRLS_INVALID_ARGUMENT', message);
  }
}

// --- the actor runtime -----------------------------------------------------------------

/** A named actor was looked up and does not exist. */
export class ActorNotFoundError extends DrlsError<'DRLS_ACTOR_NOT_FOUND'> {
  readonly actorName: string;
  constructor(name: string) {
    super('DRLS_ACTOR_NOT_FOUND', `no actor named "${name}" is registered`);
    this.actorName = name;
  }
}

/** A named actor was spawned under a name that is already taken. */
export class ActorExistsError extends DrlsError<'DRLS_ACTOR_EXISTS'> {
  readonly actorName: string;
  constructor(name: string) {
    super('DRLS_ACTOR_EXISTS', `an actor named "${name}" already exists; use getActor() or getOrCreate()`);
    this.actorName = name;
  }
}

/** An ask got no reply within its timeout. */
export class AskTimeoutError extends DrlsError<'DRLS_ASK_TIMEOUT'> {
  readonly actorName: string;
  readonly timeoutMs: number;
  constructor(name: string, messageType: string, timeoutMs: number) {
    super('DRLS_ASK_TIMEOUT', `actor "${name}" did not answer "${messageType}" within ${timeoutMs} ms`);
    this.actorName = name;
    this.timeoutMs = timeoutMs;
  }
}

/** The actor was stopped (stopActor(), a crash under the 'stop' policy, or its runtime shut down). */
export class ActorStoppedError extends DrlsError<'DRLS_ACTOR_STOPPED'> {
  readonly actorName: string;
  constructor(name: string, reason?: string) {
    super('DRLS_ACTOR_STOPPED', `actor "${name}" is stopped${reason ? `: ${reason}` : ''}`);
    this.actorName = name;
  }
}

/** A message handler threw; the original error is the `cause`. */
export class ActorCrashedError extends DrlsError<'DRLS_ACTOR_CRASHED'> {
  readonly actorName: string;
  constructor(name: string, cause: unknown) {
    super('DRLS_ACTOR_CRASHED', `actor "${name}" crashed: ${errorMessage(cause)}`, { cause });
    this.actorName = name;
  }
}

/** The runtime has been shut down. */
export class RuntimeStoppedError extends DrlsError<'DRLS_RUNTIME_STOPPED'> {
  constructor() {
    super('DRLS_RUNTIME_STOPPED', 'the drls actor runtime has been shut down; call init() to start a new one');
  }
}

// --- streams -----------------------------------------------------------------------------

/** The stream failed (its producer or Spark query failed); the original reason is kept. */
export class StreamFailedError extends DrlsError<'DRLS_STREAM_FAILED'> {
  readonly streamId: string;
  /** Why it failed, without the `stream "<id>" failed:` prefix (so wrapping never repeats it). */
  readonly reason: string;
  constructor(streamId: string, reason: string, cause?: unknown) {
    super('DRLS_STREAM_FAILED', `stream "${streamId}" failed: ${reason}`, { cause });
    this.streamId = streamId;
    this.reason = reason;
  }
}

/** A batch arrived whose schema differs from the stream's first batch. */
export class SchemaMismatchError extends DrlsError<'DRLS_SCHEMA_MISMATCH'> {
  readonly streamId: string;
  constructor(streamId: string, detail: string) {
    super('DRLS_SCHEMA_MISMATCH', `stream "${streamId}": batch schema differs from the stream's schema: ${detail}`);
    this.streamId = streamId;
  }
}

/** A resume or fetch asked for a batch that has already been garbage-collected. */
export class BatchCollectedError extends DrlsError<'DRLS_BATCH_COLLECTED'> {
  readonly streamId: string;
  readonly batchId: number;
  readonly oldestBatchId: number;
  /** `why`: what most likely freed it, where the caller knows. */
  constructor(streamId: string, batchId: number, oldest: number, why?: string) {
    super('DRLS_BATCH_COLLECTED', `stream "${streamId}": batch ${batchId} was already collected (oldest held is ${oldest})${why ? `: ${why}` : ''}`);
    this.streamId = streamId;
    this.batchId = batchId;
    this.oldestBatchId = oldest;
  }
}

/** No stream with that id exists. */
export class UnknownStreamError extends DrlsError<'DRLS_UNKNOWN_STREAM'> {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_UNKNOWN_STREAM', `no stream "${streamId}" exists`);
    this.streamId = streamId;
  }
}

/** Publishing after complete() or after a failure. */
export class StreamClosedError extends DrlsError<'DRLS_STREAM_CLOSED'> {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_STREAM_CLOSED', `stream "${streamId}" is complete; nothing more can be published`);
    this.streamId = streamId;
  }
}

/** A reverse stream was stopped with batches no running Spark query will read: its reader stopped first. */
export class StreamUnreadError extends DrlsError<'DRLS_STREAM_UNREAD'> {
  readonly streamId: string;
  readonly unreadBatches: number;
  constructor(streamId: string, unreadBatches: number, why: string) {
    super('DRLS_STREAM_UNREAD', `stream "${streamId}" was stopped with ${unreadBatches} batch${unreadBatches === 1 ? '' : 'es'} Spark never read: ${why}`);
    this.streamId = streamId;
    this.unreadBatches = unreadBatches;
  }
}

/** An operation with a timeout ran out of time (drain, register, a stop waiting for Spark). */
export class TimeoutError extends DrlsError<'DRLS_TIMEOUT'> {
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number) {
    super('DRLS_TIMEOUT', `${what} did not finish within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** A worker thread threw while processing a batch. */
export class WorkerFailedError extends DrlsError<'DRLS_WORKER_FAILED'> {
  readonly batchId: number;
  readonly partition: number;
  constructor(batchId: number, partition: number, cause: unknown) {
    super('DRLS_WORKER_FAILED', `worker failed on batch ${batchId}, partition ${partition}: ${errorMessage(cause)}`, { cause });
    this.batchId = batchId;
    this.partition = partition;
  }
}

// --- the wire endpoint (docs/wire-protocol.md) -------------------------------------------

/** A connection presented a secret that does not match its stream's. */
export class AuthFailedError extends DrlsError<'DRLS_AUTH_FAILED'> {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_AUTH_FAILED', `wrong secret for stream "${streamId}"`);
    this.streamId = streamId;
  }
}

/** Bytes on a connection that do not follow docs/wire-protocol.md; only that connection is closed. */
export class ProtocolError extends DrlsError<'DRLS_PROTOCOL_ERROR'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DRLS_PROTOCOL_ERROR', message, options);
  }
}

/** A HELLO with a protocol version this endpoint does not speak. */
export class ProtocolVersionError extends DrlsError<'DRLS_PROTOCOL_VERSION'> {
  readonly version: unknown;
  constructor(version: unknown, supported: number) {
    super('DRLS_PROTOCOL_VERSION', `protocol version ${JSON.stringify(version)} is not supported (this endpoint speaks ${supported})`);
    this.version = version;
  }
}

/** A role the stream was not registered for (reading a sink stream, writing a source stream). */
export class RoleUnsupportedError extends DrlsError<'DRLS_ROLE_UNSUPPORTED'> {
  readonly streamId: string;
  readonly role: string;
  constructor(streamId: string, role: string, reason: string) {
    super('DRLS_ROLE_UNSUPPORTED', `stream "${streamId}" does not accept role "${role}": ${reason}`);
    this.streamId = streamId;
    this.role = role;
  }
}

/** register() with a stream id that is already registered on this endpoint. */
export class StreamRegisteredError extends DrlsError<'DRLS_STREAM_REGISTERED'> {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_STREAM_REGISTERED', `stream "${streamId}" is already registered on this endpoint; unregister it first`);
    this.streamId = streamId;
  }
}

/** A connection beyond the endpoint's or a stream's limit of open connections (docs/wire-protocol.md). */
export class ConnectionLimitError extends DrlsError<'DRLS_CONNECTION_LIMIT'> {
  constructor(detail: string) {
    super('DRLS_CONNECTION_LIMIT', `${detail}; the connection is refused`);
  }
}

/** The endpoint was closed (or its stream unregistered) while the connection was open. */
export class EndpointClosedError extends DrlsError<'DRLS_ENDPOINT_CLOSED'> {
  constructor(what: string) {
    super('DRLS_ENDPOINT_CLOSED', `${what} is closed`);
  }
}

/** The endpoint could not listen where it was asked to (the address is taken, or not this machine's). */
export class EndpointStartError extends DrlsError<'DRLS_ENDPOINT_START'> {
  readonly host: string;
  readonly port: number;
  constructor(host: string, port: number, cause: unknown) {
    super('DRLS_ENDPOINT_START', `the drls endpoint cannot listen on ${host}:${port}: ${errorMessage(cause)}`, { cause });
    this.host = host;
    this.port = port;
  }
}

/** A stream target (sink or source) threw something that is not a DrlsError; the original is the cause. */
export class TargetFailedError extends DrlsError<'DRLS_TARGET_FAILED'> {
  readonly streamId: string;
  constructor(streamId: string, operation: string, cause: unknown) {
    super('DRLS_TARGET_FAILED', `stream "${streamId}": ${operation} failed: ${errorMessage(cause)}`, { cause });
    this.streamId = streamId;
  }
}

// --- Spark and Spark Connect -----------------------------------------------------------

/** Spark rejected or failed an operation; `errorClass` is Spark's stable error class when it sent one. */
export class SparkError extends DrlsError<'DRLS_SPARK_ERROR'> {
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Readonly<Record<string, string>>;
  /** The JVM exception class, e.g. org.apache.spark.sql.AnalysisException. */
  readonly exceptionClass: string | undefined;

  constructor(
    message: string,
    info: {
      errorClass?: string | undefined;
      sqlState?: string | undefined;
      messageParameters?: Record<string, string>;
      exceptionClass?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super('DRLS_SPARK_ERROR', message, { cause: info.cause });
    this.errorClass = info.errorClass;
    this.sqlState = info.sqlState;
    this.messageParameters = info.messageParameters ?? {};
    this.exceptionClass = info.exceptionClass;
  }
}

/** The Spark Connect server could not be reached (not running, wrong address, gone away). */
export class SparkUnavailableError extends DrlsError<'DRLS_SPARK_UNAVAILABLE'> {
  readonly address: string;
  constructor(address: string, detail: string, cause?: unknown) {
    super(
      'DRLS_SPARK_UNAVAILABLE',
      `cannot reach Spark Connect at ${address}: ${detail}. Is the server running? ` +
        `Start one with initSpark() (without \`remote\`) or check the address.`,
      { cause },
    );
    this.address = address;
  }
}

/** The Spark Connect server requires a token (`spark.connect.authenticate.token`) and the client's was missing or wrong. */
export class SparkAuthFailedError extends DrlsError<'DRLS_SPARK_AUTH_FAILED'> {
  readonly address: string;
  constructor(address: string, cause?: unknown) {
    super(
      'DRLS_SPARK_AUTH_FAILED',
      `Spark Connect at ${address} refused the client's credentials: give the server's token as options.token or ;token= in the address`,
      { cause },
    );
    this.address = address;
  }
}

/** A `remote` / SPARK_REMOTE value is not a valid `sc://host:port` address. */
export class InvalidRemoteError extends DrlsError<'DRLS_INVALID_REMOTE'> {
  readonly remote: string;
  constructor(remote: string, detail: string) {
    super('DRLS_INVALID_REMOTE', `invalid Spark Connect address "${remote}": ${detail} (expected sc://host:port)`);
    this.remote = remote;
  }
}

/** The session was stopped; nothing more can be sent through it. */
export class SessionClosedError extends DrlsError<'DRLS_SESSION_CLOSED'> {
  constructor() {
    super('DRLS_SESSION_CLOSED', 'this SparkSession is stopped; call initSpark() for a new one');
  }
}

/** A streaming query ended with an error; awaitTermination() rejects with this. */
export class StreamingQueryFailedError extends DrlsError<'DRLS_STREAMING_QUERY_FAILED'> {
  readonly queryId: string;
  readonly errorClass: string | undefined;
  constructor(queryId: string, message: string, errorClass: string | undefined, cause?: unknown) {
    super('DRLS_STREAMING_QUERY_FAILED', `streaming query ${queryId} failed: ${message}`, { cause });
    this.queryId = queryId;
    this.errorClass = errorClass;
  }
}

/**
 * `writeStream.foreachBatch()` on a session whose queries cannot reach Node: Spark Connect runs
 * foreachBatch only for Python and Scala, so drls carries it over its own bridge, which
 * `enableForeachBatch(spark)` from `drls/streaming` installs on the session.
 */
export class ForeachBatchUnavailableError extends DrlsError<'DRLS_FOREACH_BATCH_UNAVAILABLE'> {
  constructor() {
    super(
      'DRLS_FOREACH_BATCH_UNAVAILABLE',
      "foreachBatch runs in Node through the drls bridge, which this session does not have: call enableForeachBatch(spark) from 'drls/streaming' before writeStream.foreachBatch()",
    );
  }
}

/**
 * A foreachBatch handler rejected (or threw) on an epoch. Raised in Node where Spark's commit of
 * the epoch waits, so that commit fails and the query with it: the user meets it as the query's
 * StreamingQueryFailedError, whose message holds this one.
 */
export class ForeachBatchFailedError extends DrlsError<'DRLS_FOREACH_BATCH_FAILED'> {
  readonly epochId: number;
  constructor(epochId: number, cause: unknown) {
    super('DRLS_FOREACH_BATCH_FAILED', `foreachBatch handler failed on epoch ${epochId}: ${errorMessage(cause)}`, { cause });
    this.epochId = epochId;
  }
}

/** Setting up the pinned Spark failed (no Java, registry unreachable, bad checksum, disk). */
export class SparkSetupFailedError extends DrlsError<'DRLS_SPARK_SETUP_FAILED'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DRLS_SPARK_SETUP_FAILED', message, options);
  }
}

/** The local Spark Connect server did not come up; the message ends with the log's last lines. */
export class SparkStartFailedError extends DrlsError<'DRLS_SPARK_START_FAILED'> {
  readonly logFile: string;
  readonly logTail: string;
  constructor(reason: string, logFile: string, logTail: string) {
    super('DRLS_SPARK_START_FAILED', `the local Spark Connect server did not start: ${reason}\nlog: ${logFile}\n--- last lines ---\n${logTail}`);
    this.logFile = logFile;
    this.logTail = logTail;
  }
}

/** An Iceberg catalog was requested but no Iceberg runtime exists for the pinned Spark. */
export class IcebergUnavailableError extends DrlsError<'DRLS_ICEBERG_UNAVAILABLE'> {
  constructor(detail: string) {
    super('DRLS_ICEBERG_UNAVAILABLE', `an Iceberg catalog was requested but ${detail}`);
  }
}

/** The drls JVM connector jar is not where the package keeps it: it was never built. */
export class ConnectorJarMissingError extends DrlsError<'DRLS_CONNECTOR_JAR_MISSING'> {
  readonly path: string;
  constructor(path: string) {
    super('DRLS_CONNECTOR_JAR_MISSING', `the drls JVM connector is not built (no ${path}); run \`npm run setup\` (or bash bridge/jvm/build.sh)`);
    this.path = path;
  }
}
