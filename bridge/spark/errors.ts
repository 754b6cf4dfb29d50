import { DrlsError } from '../../errors.js';

/** Setting up the pinned Spark failed (no Java, registry unreachable, bad checksum, disk). */
export class SparkSetupError extends DrlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DRLS_SPARK_SETUP_FAILED', message, options);
  }
}

/** The local Spark Connect server did not come up; the message ends with the log's last lines. */
export class SparkStartError extends DrlsError {
  readonly logFile: string;
  readonly logTail: string;
  constructor(reason: string, logFile: string, logTail: string) {
    super(
      'DRLS_SPARK_START_FAILED',
      `the local Spark Connect server did not start: ${reason}\n` +
        `log: ${logFile}\n--- last lines ---\n${logTail}`,
    );
    this.logFile = logFile;
    this.logTail = logTail;
  }
}

/** An Iceberg catalog was requested but no Iceberg runtime exists for the pinned Spark. */
export class IcebergUnavailableError extends DrlsError {
  constructor(detail: string) {
    super('DRLS_ICEBERG_UNAVAILABLE', `an Iceberg catalog was requested but ${detail}`);
  }
}
