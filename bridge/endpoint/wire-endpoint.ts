import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { checkPositive, ConnectionLimitError, AuthFailedError, DrlsError, EndpointClosedError, EndpointStartError, InvalidArgumentError, ProtocolError, ProtocolVersionError, RoleUnsupportedError, StreamRegisteredError, TargetFailedError, UnknownStreamError, checkIntegerInRange, checkNonEmptyString, checkTimeout, errorMessage } from '../../runtime/base/index.js';
import { Connection } from './connection.js';
import { FrameType, MAX_PAYLOAD_BYTES, encodeJsonFrame } from './frame.js';
import { consoleLogger, type EndpointLogger } from './logger.js';
import { parseHello, type Hello } from './messages.js';
import { serveCommit, serveDriverWrite, serveWrite } from './sink-roles.js';
import { serveSource } from './source-role.js';
import { StreamEntry } from './stream-entry.js';
import type { SinkTarget, SourceTarget } from './targets.js';
import { checkTlsOptions, type EndpointTlsOptions, type TlsSettings } from './tls-options.js';

export const PROTOCOL_VERSION = 1;

/** The most bytes a connection may make Node hold before it has authenticated: a HELLO's worth. */
export const HELLO_MAX_BYTES = 16 * 1024;
const LIMIT_LOG_EVERY_MS = 60_000;

interface Settings {
  readonly host: string;
  readonly advertisedHost: string;
  readonly logger: EndpointLogger;
  readonly maxFrameBytes: number;
  readonly helloTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerStream: number;
}

/** A TLS endpoint's server (it never listens: the TCP server hands it each accepted socket) and its CA. */
interface TlsEndpoint {
  readonly server: TlsServer;
  readonly caPem: string;
}

/** The host the connector is told to dial: `advertisedHost`, else `host` unless it is a wildcard. */
export function advertisedHostOf(host: string, advertisedHost: string | undefined): string {
  return advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
}

/** Answers ERROR and closes a socket without reading from it or allocating a reader. */
function refuseUnread(socket: Socket, error: DrlsError): void {
  socket.on('error', () => undefined);
  // Gone once the answer is sent: nothing is read from this peer, so nothing more is waited for.
  socket.end(encodeJsonFrame(FrameType.ERROR, { code: error.code, message: error.message }), () => socket.destroy());
}

export interface EndpointOptions {
  /** Interface to bind; `127.0.0.1` by default. Use `0.0.0.0` (or a host address) for a cluster. */
  host?: string;
  /**
   * The host the connector is told to dial (connectorOptions().host): for a cluster, an address
   * of this machine the executors reach. Defaults to `host`, or 127.0.0.1 when `host` is a wildcard.
   */
  advertisedHost?: string;
  /** Port to bind; 0 (the default) picks a free port. */
  port?: number;
  /** Where refused and broken connections are logged, one line each; console.warn by default. */
  logger?: EndpointLogger;
  /** Largest frame payload accepted; 1 GiB (the protocol's ceiling) by default. */
  maxFrameBytes?: number;
  /** A connection that sends no HELLO within this time is dropped; 10 s by default. */
  helloTimeoutMs?: number;
  /**
   * Open connections the endpoint accepts, all streams together, authenticated or not; 1024 by
   * default. Past it a connection is refused before anything is read or allocated for it.
   */
  maxConnections?: number;
  /** Open connections one stream accepts (Spark's running tasks, plus its driver); 256 by default. */
  maxConnectionsPerStream?: number;
  /**
   * Serve the protocol over TLS: `{ key, cert, ca }`, PEM. The connector is then told (options `tls`
   * and `tlsCa`) to trust only `ca` and to check that `cert` names the host it dials, so `cert`'s
   * subjectAltName must hold `advertisedHost` (a DNS name or IP). The handshake must finish within
   * `helloTimeoutMs`, and HELLO follow within `helloTimeoutMs` of it.
   */
  tls?: EndpointTlsOptions;
  /**
   * Whether the listening socket alone keeps the process alive. False by default: an idle
   * endpoint lets a finished program exit (open connections still keep it alive while they last).
   */
  keepProcessAlive?: boolean;
}

/** What a stream is registered with: its targets, and optionally its secret. */
export interface StreamTargets {
  /** The per-stream secret the connector must present; a random 256-bit one by default. */
  secret?: string;
  /** Forward path (Spark writes): required for roles write, driver-write and commit. */
  sink?: SinkTarget;
  /** Reverse path (Spark reads): required for role source. */
  source?: SourceTarget;
}

/** The DataSource options the drls connector needs to reach this stream. */
export interface ConnectorOptions {
  readonly host: string;
  readonly port: string;
  readonly streamId: string;
  readonly secret: string;
  /** `"true"` when the endpoint speaks TLS (absent otherwise). */
  readonly tls?: string;
  /** With `tls`: PEM of the CA the connector trusts, the endpoint options' `tls.ca`. */
  readonly tlsCa?: string;
}

export interface StreamRegistration {
  readonly streamId: string;
  readonly secret: string;
  /** Pass these as `.option(k, v)` to `format("drls")`. */
  connectorOptions(): ConnectorOptions;
  /** Removes the stream and closes its open connections. */
  unregister(): void;
}

/**
 * The Node end of the drls wire protocol: one TCP server for every stream. Each connection names
 * its stream in HELLO and is routed to that stream's targets; a bad connection is refused with
 * an ERROR frame and one log line, and never disturbs another.
 */
export class WireEndpoint {
  readonly #server: Server;
  readonly #tls: TlsEndpoint | undefined;
  readonly #streams = new Map<string, StreamEntry>();
  readonly #sockets = new Set<Socket>();
  readonly #logger: EndpointLogger;
  readonly #maxFrameBytes: number;
  readonly #helloTimeoutMs: number;
  readonly #maxConnections: number;
  readonly #maxPerStream: number;
  #refusedAtLimit = 0;
  #limitLoggedAt = -Infinity;
  readonly #host: string;
  readonly #advertisedHost: string;
  #port = 0;
  #closed = false;

  private constructor(server: Server, tls: TlsEndpoint | undefined, settings: Settings) {
    this.#server = server;
    this.#tls = tls;
    this.#host = settings.host;
    this.#advertisedHost = settings.advertisedHost;
    this.#logger = settings.logger;
    this.#maxFrameBytes = settings.maxFrameBytes;
    this.#helloTimeoutMs = settings.helloTimeoutMs;
    this.#maxConnections = settings.maxConnections;
    this.#maxPerStream = settings.maxConnectionsPerStream;
  }

  /** Validates the options, binds, and resolves once the endpoint is listening. */
  static async start(options: EndpointOptions = {}): Promise<WireEndpoint> {
    const host = options.host ?? '127.0.0.1';
    checkNonEmptyString(host, 'options.host');
    const advertisedHost = advertisedHostOf(host, options.advertisedHost);
    checkNonEmptyString(advertisedHost, 'options.advertisedHost');
    const port = options.port ?? 0;
    checkIntegerInRange(port, 'options.port', 0, 65535);
    const maxFrameBytes = options.maxFrameBytes ?? MAX_PAYLOAD_BYTES;
    checkIntegerInRange(maxFrameBytes, 'options.maxFrameBytes', 1, MAX_PAYLOAD_BYTES);
    const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
    checkTimeout(helloTimeoutMs, 'options.helloTimeoutMs');
    const logger = options.logger ?? consoleLogger;
    if (typeof logger?.warn !== 'function') throw new InvalidArgumentError('options.logger must have a warn(line) method');
    const maxConnections = options.maxConnections ?? 1024;
    checkPositive(maxConnections, 'options.maxConnections', { integer: true });
    const maxConnectionsPerStream = options.maxConnectionsPerStream ?? 256;
    checkPositive(maxConnectionsPerStream, 'options.maxConnectionsPerStream', { integer: true });
    const tlsSettings = options.tls === undefined ? undefined : checkTlsOptions(options.tls, 'options.tls', advertisedHost);

    // Plain: paused until a Connection has taken the socket over and chosen where its reads land.
    // TLS: Node's TLS layer reads it from the start.
    const server = createServer({ noDelay: true, pauseOnConnect: tlsSettings === undefined });
    const tls = tlsSettings && tlsEndpoint(tlsSettings, helloTimeoutMs);
    const endpoint = new WireEndpoint(server, tls, { host, advertisedHost, logger, maxFrameBytes, helloTimeoutMs, maxConnections, maxConnectionsPerStream });
    server.on('connection', (socket) => endpoint.#accept(socket));
    tls?.server.on('secureConnection', (socket: TLSSocket) => endpoint.#secured(socket));
    tls?.server.on('tlsClientError', (err: Error, socket: TLSSocket) => endpoint.#handshakeFailed(err, socket));
    await new Promise<void>((resolve, reject) => {
      const refused = (err: Error): void => reject(new EndpointStartError(host, port, err));
      server.once('error', refused);
      server.listen(port, host, () => {
        server.off('error', refused);
        resolve();
      });
    });
    if (options.keepProcessAlive !== true) server.unref();
    const address = server.address();
    endpoint.#port = typeof address === 'object' && address ? address.port : port;
    return endpoint;
  }

  get host(): string {
    return this.#host;
  }

  get port(): number {
    return this.#port;
  }

  /** Whether connections are served over TLS. */
  get tls(): boolean {
    return this.#tls !== undefined;
  }

  /** Open connections, all streams together. */
  get connectionCount(): number {
    return this.#sockets.size;
  }

  register(streamId: string, options: StreamTargets): StreamRegistration {
    if (this.#closed) throw new EndpointClosedError('the drls endpoint');
    checkNonEmptyString(streamId, 'streamId');
    if (this.#streams.has(streamId)) throw new StreamRegisteredError(streamId);
    if (!options.sink && !options.source) throw new InvalidArgumentError('options.sink or options.source is required');
    const secret = options.secret ?? randomBytes(32).toString('base64url');
    checkNonEmptyString(secret, 'options.secret');
    const entry = new StreamEntry(streamId, secret, options.sink, options.source);
    this.#streams.set(streamId, entry);
    const host = this.#advertisedHost;
    const tls = this.#tls ? { tls: 'true', tlsCa: this.#tls.caPem } : {};
    return {
      streamId,
      secret,
      connectorOptions: () => ({ host, port: String(this.#port), streamId, secret, ...tls }),
      unregister: () => this.unregister(streamId),
    };
  }

  unregister(streamId: string): void {
    const entry = this.#streams.get(streamId);
    if (!entry) return;
    this.#streams.delete(streamId);
    for (const socket of entry.sockets) socket.destroy();
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#streams.clear();
    await closed;
  }

  #accept(accepted: Socket): void {
    if (this.#sockets.size >= this.#maxConnections) {
      this.#limitReached(`the endpoint's limit of ${this.#maxConnections} open connections`, `${accepted.remoteAddress ?? '?'}:${accepted.remotePort ?? '?'}`);
      // Over TLS nothing can be said before a handshake, and sparing Node the handshake is the
      // point of the limit: the peer is just closed.
      if (this.#tls) accepted.destroy();
      else refuseUnread(accepted, new ConnectionLimitError(`this endpoint holds its limit of ${this.#maxConnections} open connections`));
      return;
    }
    if (this.#tls) {
      // Counted from here, handshake included; the TLS server takes the socket over (and reports
      // to #secured or #handshakeFailed).
      this.#track(accepted);
      this.#tls.server.emit('connection', accepted);
      return;
    }
    // Until its HELLO authenticates it, a peer can make Node hold a HELLO's worth of bytes, no more.
    const conn = new Connection(accepted, HELLO_MAX_BYTES);
    this.#track(conn.socket);
    void this.#serve(conn);
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined); // reported through the frame reader, or as a failed handshake
  }

  /** A TLS handshake succeeded: the same protocol follows, under the same pre-authentication limits. */
  #secured(socket: TLSSocket): void {
    socket.on('error', () => undefined); // reported through the frame reader
    if (this.#closed || socket.destroyed) {
      socket.destroy();
      return;
    }
    // Node decrypts into its own chunks, so the reader copies them (FrameReader.adopt is for plain sockets).
    void this.#serve(new Connection(socket, HELLO_MAX_BYTES, 'chunks'));
  }

  /** A TLS handshake failed or timed out: one log line (nothing secret is sent before a handshake). */
  #handshakeFailed(err: Error, socket: TLSSocket): void {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.destroy();
    if (this.#closed) return;
    const code = (err as { code?: unknown }).code;
    const why =
      code === 'ERR_TLS_HANDSHAKE_TIMEOUT'
        ? `no TLS handshake within ${this.#helloTimeoutMs} ms`
        : `TLS handshake failed: ${(err as { reason?: unknown }).reason ?? errorMessage(err).split('\n')[0]}${typeof code === 'string' ? ` (${code})` : ''}`;
    this.#logger.warn(`refused connection from ${peer} (before HELLO): ${why}`);
  }

  async #serve(conn: Connection): Promise<void> {
    let hello: Hello | undefined;
    let entry: StreamEntry | undefined;
    try {
      hello = await this.#readHello(conn);
      entry = this.#authenticate(hello);
      if (entry.sockets.size >= this.#maxPerStream) {
        this.#limitReached(`stream "${entry.streamId}"'s limit of ${this.#maxPerStream} open connections`, conn.peer);
        throw new ConnectionLimitError(`stream "${entry.streamId}" holds its limit of ${this.#maxPerStream} open connections`);
      }
      conn.reader.raiseLimits(this.#maxFrameBytes);
      entry.sockets.add(conn.socket);
      conn.socket.on('close', () => entry?.sockets.delete(conn.socket));
      await this.#dispatch(conn, entry, hello);
      conn.close();
    } catch (err) {
      // Connections cut by close() or unregister() are expected, not worth a log line.
      if (this.#closed || (entry && this.#streams.get(entry.streamId) !== entry)) {
        conn.socket.destroy();
        return;
      }
      const error = this.#asDrlsError(err, entry);
      const who = hello ? `stream "${hello.streamId}", role ${hello.role}` : 'before HELLO';
      if (conn.socket.destroyed && !(err instanceof DrlsError)) return; // peer went away; nothing to tell
      this.#logger.warn(`refused connection from ${conn.peer} (${who}): ${error.code}: ${error.message}`);
      conn.refuse(error.code, error.message);
    }
  }

  /** One log line when a limit is first reached, then at most one a minute, counting what was refused. */
  #limitReached(limit: string, peer: string): void {
    this.#refusedAtLimit++;
    const now = Date.now();
    if (now - this.#limitLoggedAt < LIMIT_LOG_EVERY_MS) return;
    this.#limitLoggedAt = now;
    const count = this.#refusedAtLimit;
    this.#refusedAtLimit = 0;
    this.#logger.warn(`${limit} is reached: refused ${count === 1 ? 'a connection' : `${count} connections`} (latest from ${peer})`);
  }

  async #readHello(conn: Connection): Promise<Hello> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProtocolError(`no HELLO within ${this.#helloTimeoutMs} ms`)), this.#helloTimeoutMs);
    });
    try {
      return parseHello(await Promise.race([conn.require('HELLO'), timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  #authenticate(hello: Hello): StreamEntry {
    if (hello.version !== PROTOCOL_VERSION) throw new ProtocolVersionError(hello.version, PROTOCOL_VERSION);
    const entry = this.#streams.get(hello.streamId);
    if (!entry) throw new UnknownStreamError(hello.streamId);
    if (!entry.secretMatches(hello.secret)) throw new AuthFailedError(hello.streamId);
    return entry;
  }

  async #dispatch(conn: Connection, entry: StreamEntry, hello: Hello): Promise<void> {
    const roles = { source: entry.source !== undefined, sink: entry.sink !== undefined };
    if (hello.role === 'probe') {
      await conn.sendJson(FrameType.OK, roles);
      return;
    }
    if (hello.role === 'source') {
      const source = entry.source;
      if (!source) throw new RoleUnsupportedError(entry.streamId, hello.role, 'it is a sink stream (Spark writes to it)');
      await conn.sendJson(FrameType.OK, roles);
      await serveSource(conn, source);
      return;
    }
    const sink = entry.sink;
    if (!sink) throw new RoleUnsupportedError(entry.streamId, hello.role, 'it is a source stream (Spark reads from it)');
    await conn.sendJson(FrameType.OK, roles);
    if (hello.role === 'write') await serveWrite(conn, entry, sink, hello);
    else if (hello.role === 'driver-write') await serveDriverWrite(conn, entry, sink, hello);
    else await serveCommit(conn, entry, sink);
  }

  #asDrlsError(err: unknown, entry: StreamEntry | undefined): DrlsError {
    if (err instanceof DrlsError) return err;
    if (entry) return new TargetFailedError(entry.streamId, 'a stream target', err);
    return new ProtocolError(errorMessage(err), { cause: err });
  }
}

/** Node's TLS server for the endpoint; it never listens, the endpoint's TCP server feeds it. */
function tlsEndpoint(settings: TlsSettings, handshakeTimeoutMs: number): TlsEndpoint {
  // Node's handshake timeout is a deadline for the whole handshake (bytes trickling in do not extend it).
  const server = createTlsServer({ key: settings.key, cert: settings.cert, handshakeTimeout: handshakeTimeoutMs });
  return { server, caPem: settings.caPem };
}
