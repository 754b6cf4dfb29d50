import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { checkPositive, ConnectionLimitError, AuthFailedError, DrlsError, EndpointClosedError, EndpointStartError, InvalidArgumentError, ProtocolError, ProtocolVersionError, RoleUnsupportedError, StreamRegisteredError, TargetFailedError, UnknownStreamError, checkIntegerInRange, checkNonEmptyString, checkTimeout, errorMessage } from '../../runtime/base/index.js';
import { Connection } from './connection.js';
import { FrameType, MAX_PAYLOAD_BYTES, encodeJsonFrame } from './frame.js';
import { consoleLogger, type EndpointLogger } from './logger.js';
import { parseHello, type Hello } from './messages.js';
import { serveCommit, serveDriverWrite, serveWrite } from './sink-roles.js';
import { serveSource } from './source-role.js';
import { StreamEntry } from './stream-entry.js';
import type { SinkTarget, SourceTarget } from './targets.js';

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

  private constructor(server: Server, settings: Settings) {
    this.#server = server;
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
    const advertisedHost = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
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

    // Paused until a Connection has taken the socket over and chosen where its reads land.
    const server = createServer({ noDelay: true, pauseOnConnect: true });
    const endpoint = new WireEndpoint(server, { host, advertisedHost, logger, maxFrameBytes, helloTimeoutMs, maxConnections, maxConnectionsPerStream });
    server.on('connection', (socket) => endpoint.#accept(socket));
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
    return {
      streamId,
      secret,
      connectorOptions: () => ({ host, port: String(this.#port), streamId, secret }),
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
      refuseUnread(accepted, new ConnectionLimitError(`this endpoint holds its limit of ${this.#maxConnections} open connections`));
      return;
    }
    // Until its HELLO authenticates it, a peer can make Node hold a HELLO's worth of bytes, no more.
    const conn = new Connection(accepted, HELLO_MAX_BYTES);
    const socket = conn.socket;
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined); // reported through the frame reader
    void this.#serve(conn);
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
