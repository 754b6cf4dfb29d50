import { DrlsError } from '../../errors.js';

/** Spark rejected or failed an operation; `errorClass` is Spark's stable error class when it sent one. */
export class SparkError extends DrlsError {
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
export class SparkUnavailableError extends DrlsError {
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

/** A `remote` / SPARK_REMOTE value is not a valid `sc://host:port` address. */
export class InvalidRemoteError extends DrlsError {
  readonly remote: string;
  constructor(remote: string, detail: string) {
    super('DRLS_INVALID_REMOTE', `invalid Spark Connect address "${remote}": ${detail} (expected sc://host:port)`);
    this.remote = remote;
  }
}

/** The session was stopped; nothing more can be sent through it. */
export class SessionClosedError extends DrlsError {
  constructor() {
    super('DRLS_SESSION_CLOSED', 'this SparkSession is stopped; call initSpark() for a new one');
  }
}

/** A streaming query ended with an error; awaitTermination() rejects with this. */
export class StreamingQueryFailedError extends DrlsError {
  readonly queryId: string;
  readonly errorClass: string | undefined;
  constructor(queryId: string, message: string, errorClass: string | undefined, cause?: unknown) {
    super('DRLS_STREAMING_QUERY_FAILED', `streaming query ${queryId} failed: ${message}`, { cause });
    this.queryId = queryId;
    this.errorClass = errorClass;
  }
}
