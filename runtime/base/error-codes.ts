/**
 * The one registry of drls error codes. Every error drls raises carries one of these as its
 * `code`, and its class is named after it (`DRLS_ACTOR_EXISTS` is `ActorExistsError`; a
 * trailing `_ERROR` is dropped): code and class cannot drift apart, and a test holds them to it.
 * Callers match on `code` or `instanceof`, never on message text.
 */
export const ERROR_CODES = {
  DRLS_INVALID_ARGUMENT: 'an option or argument failed validation at the API edge',
  DRLS_ACTOR_NOT_FOUND: 'no actor is registered under that name',
  DRLS_ACTOR_EXISTS: 'an actor was spawned under a name that is taken',
  DRLS_ASK_TIMEOUT: 'an ask got no answer within its timeout',
  DRLS_ACTOR_STOPPED: 'the actor was stopped (or crashed under the stop policy, or its runtime shut down)',
  DRLS_ACTOR_CRASHED: "a message handler threw; the original error is the cause",
  DRLS_RUNTIME_STOPPED: 'the actor runtime has been shut down',
  DRLS_STREAM_FAILED: 'the stream failed (its producer or Spark query failed)',
  DRLS_SCHEMA_MISMATCH: "a batch's schema differs from the stream's",
  DRLS_BATCH_COLLECTED: 'a batch asked for has already been garbage-collected',
  DRLS_UNKNOWN_STREAM: 'no stream with that id exists',
  DRLS_STREAM_CLOSED: 'publishing into a stream that is complete',
  DRLS_STREAM_UNREAD: "a stream was stopped with batches its Spark reader never read, the reader having stopped",
  DRLS_TIMEOUT: 'an operation with a timeout ran out of time',
  DRLS_WORKER_FAILED: 'a worker thread threw while processing a batch',
  DRLS_AUTH_FAILED: 'a connection presented the wrong secret for its stream',
  DRLS_PROTOCOL_ERROR: 'bytes on a connection do not follow docs/wire-protocol.md',
  DRLS_PROTOCOL_VERSION: 'a HELLO with a protocol version this endpoint does not speak',
  DRLS_ROLE_UNSUPPORTED: 'a connection asked for a role its stream was not registered for',
  DRLS_STREAM_REGISTERED: 'a stream id is already registered on the endpoint',
  DRLS_CONNECTION_LIMIT: 'the endpoint, or the stream, holds as many open connections as it accepts',
  DRLS_ENDPOINT_CLOSED: 'the endpoint (or the stream) was closed',
  DRLS_ENDPOINT_START: 'the endpoint could not listen where it was asked to',
  DRLS_TARGET_FAILED: 'a stream target threw something that is not a drls error',
  DRLS_SPARK_ERROR: 'Spark rejected or failed an operation',
  DRLS_SPARK_UNAVAILABLE: 'the Spark Connect server could not be reached',
  DRLS_SPARK_AUTH_FAILED: 'the Spark Connect server refused the client: no token, or the wrong one',
  DRLS_INVALID_REMOTE: 'a Spark Connect address is not sc://host:port',
  DRLS_SESSION_CLOSED: 'the Spark session was stopped',
  DRLS_STREAMING_QUERY_FAILED: 'a Spark streaming query ended with an error',
  DRLS_FOREACH_BATCH_UNAVAILABLE: "foreachBatch was asked of a session the drls bridge was not enabled on (drls/streaming's enableForeachBatch)",
  DRLS_FOREACH_BATCH_FAILED: "a foreachBatch handler rejected or threw; Spark's commit of that epoch fails with its message",
  DRLS_SPARK_SETUP_FAILED: 'setting up the pinned Spark failed',
  DRLS_SPARK_START_FAILED: 'the local Spark Connect server did not start',
  DRLS_ICEBERG_UNAVAILABLE: 'an Iceberg catalog was asked for but no Iceberg runtime is available',
  DRLS_CONNECTOR_JAR_MISSING: 'the drls JVM connector jar has not been built',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
