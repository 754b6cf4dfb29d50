import { DrlsError } from '../../errors.js';

/** A connection presented a secret that does not match its stream's. */
export class AuthFailedError extends DrlsError {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_AUTH_FAILED', `wrong secret for stream "${streamId}"`);
    this.streamId = streamId;
  }
}

/** Bytes on a connection that do not follow docs/wire-protocol.md; only that connection is closed. */
export class ProtocolError extends DrlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DRLS_PROTOCOL_ERROR', message, options);
  }
}

/** A HELLO with a protocol version this endpoint does not speak. */
export class ProtocolVersionError extends DrlsError {
  readonly version: unknown;
  constructor(version: unknown, supported: number) {
    super('DRLS_PROTOCOL_VERSION', `protocol version ${JSON.stringify(version)} is not supported (this endpoint speaks ${supported})`);
    this.version = version;
  }
}

/** A role the stream was not registered for (reading a sink stream, writing a source stream). */
export class RoleNotSupportedError extends DrlsError {
  readonly streamId: string;
  readonly role: string;
  constructor(streamId: string, role: string, reason: string) {
    super('DRLS_ROLE_UNSUPPORTED', `stream "${streamId}" does not accept role "${role}": ${reason}`);
    this.streamId = streamId;
    this.role = role;
  }
}

/** register() with a stream id that is already registered on this endpoint. */
export class StreamAlreadyRegisteredError extends DrlsError {
  readonly streamId: string;
  constructor(streamId: string) {
    super('DRLS_STREAM_REGISTERED', `stream "${streamId}" is already registered on this endpoint; unregister it first`);
    this.streamId = streamId;
  }
}

/** The endpoint was closed (or its stream unregistered) while the connection was open. */
export class EndpointClosedError extends DrlsError {
  constructor(what: string) {
    super('DRLS_ENDPOINT_CLOSED', `${what} is closed`);
  }
}

/** The endpoint could not listen where it was asked to (the address is taken, or not this machine's). */
export class EndpointStartError extends DrlsError {
  readonly host: string;
  readonly port: number;
  constructor(host: string, port: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('DRLS_ENDPOINT_START', `the drls endpoint cannot listen on ${host}:${port}: ${reason}`, { cause });
    this.host = host;
    this.port = port;
  }
}

/** A stream target (sink or source) threw something that is not a DrlsError; the original is the cause. */
export class TargetFailedError extends DrlsError {
  readonly streamId: string;
  constructor(streamId: string, operation: string, cause: unknown) {
    super('DRLS_TARGET_FAILED', `stream "${streamId}": ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.streamId = streamId;
  }
}
