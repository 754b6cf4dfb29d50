/**
 * Every error drls raises is a DrlsError with a stable `code`. Callers and tests
 * match on `code` (or `instanceof`), never on message text.
 */
export class DrlsError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An option or argument failed validation at the API edge. */
export class InvalidArgumentError extends DrlsError {
  constructor(message: string) {
    super('DRLS_INVALID_ARGUMENT', message);
  }
}

/** A named actor was looked up and does not exist. */
export class ActorNotFoundError extends DrlsError {
  readonly actorName: string;
  constructor(name: string) {
    super('DRLS_ACTOR_NOT_FOUND', `no actor named "${name}" is registered`);
    this.actorName = name;
  }
}

/** A named actor was spawned under a name that is already taken. */
export class DuplicateActorError extends DrlsError {
  readonly actorName: string;
  constructor(name: string) {
    super('DRLS_ACTOR_EXISTS', `an actor named "${name}" already exists; use getActor() or getOrCreate()`);
    this.actorName = name;
  }
}

/** An ask got no reply within its timeout. */
export class AskTimeoutError extends DrlsError {
  readonly actorName: string;
  readonly timeoutMs: number;
  constructor(name: string, messageType: string, timeoutMs: number) {
    super('DRLS_ASK_TIMEOUT', `actor "${name}" did not answer "${messageType}" within ${timeoutMs} ms`);
    this.actorName = name;
    this.timeoutMs = timeoutMs;
  }
}

/** The actor was stopped (killed, crashed under a stop policy, or runtime shut down). */
export class ActorStoppedError extends DrlsError {
  readonly actorName: string;
  constructor(name: string, reason?: string) {
    super('DRLS_ACTOR_STOPPED', `actor "${name}" is stopped${reason ? `: ${reason}` : ''}`);
    this.actorName = name;
  }
}

/** A message handler threw; the original error is the `cause`. */
export class ActorCrashedError extends DrlsError {
  readonly actorName: string;
  constructor(name: string, cause: unknown) {
    super('DRLS_ACTOR_CRASHED', `actor "${name}" crashed: ${describe(cause)}`, { cause });
    this.actorName = name;
  }
}

/** The runtime has been shut down. */
export class RuntimeStoppedError extends DrlsError {
  constructor() {
    super('DRLS_RUNTIME_STOPPED', 'the drls actor runtime has been shut down; call init() to start a new one');
  }
}

/** The stream failed (its producer or Spark query failed); the original reason is kept. */
export class StreamFailedError extends DrlsError {
  readonly streamId: string;
  constructor(streamId: string, reason: string, cause?: unknown) {
    super('DRLS_STREAM_FAILED', `stream "${streamId}" failed: ${reason}`, { cause });
    this.streamId = streamId;
  }
}

/** A batch arrived whose schema differs from the stream's first batch. */
export class SchemaMismatchError extends DrlsError {
  readonly streamId: string;
  constructor(streamId: string, detail: string) {
    super('DRLS_SCHEMA_MISMATCH', `stream "${streamId}": batch schema differs from the stream's schema: ${detail}`);
    this.streamId = streamId;
  }
}

/** A resume or fetch asked for a batch that has already been garbage-collected. */
export class BatchCollectedError extends DrlsError {
  readonly streamId: string;
  readonly batchId: number;
  constructor(streamId: string, batchId: number, oldest: number) {
    super(
      'DRLS_BATCH_COLLECTED',
      `stream "${streamId}": batch ${batchId} was already collected (oldest held is ${oldest})`,
    );
    this.streamId = streamId;
    this.batchId = batchId;
  }
}

/** No stream with that id exists. */
export class UnknownStreamError extends DrlsError {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_UNKNOWN_STREAM', `no stream "${streamId}" exists`);
    this.streamId = streamId;
  }
}

/** Publishing after complete() or after a failure. */
export class StreamClosedError extends DrlsError {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_STREAM_CLOSED', `stream "${streamId}" is complete; nothing more can be published`);
    this.streamId = streamId;
  }
}

/** An operation with a timeout ran out of time (drain, register). */
export class TimeoutError extends DrlsError {
  constructor(what: string, timeoutMs: number) {
    super('DRLS_TIMEOUT', `${what} did not finish within ${timeoutMs} ms`);
  }
}

/** A worker thread threw while processing a batch. */
export class WorkerTaskError extends DrlsError {
  readonly batchId: number;
  readonly partition: number;
  constructor(batchId: number, partition: number, cause: unknown) {
    super(
      'DRLS_WORKER_FAILED',
      `worker failed on batch ${batchId}, partition ${partition}: ${describe(cause)}`,
      { cause },
    );
    this.batchId = batchId;
    this.partition = partition;
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
