import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import {
  MemoryEpochLedger,
  WireEndpoint,
  FrameReader,
  FrameType,
  decodeJson,
  encodeFrame,
  encodeJsonFrame,
  type CommitResult,
  type EpochLedger,
  type CommittedPartition,
  type EndpointLogger,
  type Frame,
  type SinkTarget,
} from '../../../bridge/endpoint/index.js';
import { encodeHeader } from '../../../bridge/endpoint/frame.js';
import { HELLO_MAX_BYTES } from '../../../bridge/endpoint/wire-endpoint.js';
import * as assert from 'uvu/assert';

/** A raw protocol client, speaking frames the way the JVM connector does. */
export class TestClient {
  readonly socket: Socket;
  readonly reader: FrameReader;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.reader = new FrameReader(socket, 1 << 30);
  }

  static async open(port: number): Promise<TestClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  /** The same over TLS, trusting `ca` (and checking the certificate names 127.0.0.1). */
  static async openTls(port: number, ca: string): Promise<TestClient> {
    const socket = connectTls({ host: '127.0.0.1', port, ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  /** Opens (over TLS trusting `ca`, when given), says HELLO, and returns the client with the endpoint's answer. */
  static async hello(port: number, body: Record<string, unknown>, ca?: string): Promise<{ client: TestClient; answer: Frame }> {
    const client = ca === undefined ? await TestClient.open(port) : await TestClient.openTls(port, ca);
    client.sendJson(FrameType.HELLO, { version: 1, ...body });
    return { client, answer: await client.read() };
  }

  sendJson(type: FrameType, body: object): boolean {
    return this.socket.write(encodeJsonFrame(type, body));
  }

  send(type: FrameType, payload: Uint8Array): boolean {
    return this.socket.write(encodeFrame(type, payload));
  }

  async read(): Promise<Frame> {
    const frame = await this.reader.next();
    if (!frame) throw new Error('connection closed by the endpoint');
    return frame;
  }

  async readJson(): Promise<{ type: FrameType; body: Record<string, unknown> }> {
    const frame = await this.read();
    return { type: frame.type, body: decodeJson(frame.payload) ?? {} };
  }

  /** Resolves when the endpoint has closed the connection. */
  closed(): Promise<void> {
    if (this.socket.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  end(): void {
    this.socket.end();
  }
}

export function body(frame: Frame): Record<string, unknown> {
  return decodeJson(frame.payload) ?? {};
}

/** A small Arrow IPC stream of n rows. */
export function ipcOf(values: number[]): Uint8Array {
  return tableToIPC(tableFromArrays({ v: Float64Array.from(values) }), 'stream');
}

export function memoryLogger(): EndpointLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line) };
}

export { deferred, type Deferred } from '../../support/deferred.js';

/** A SinkTarget that records every call; stage() can be held with `hold`. */
export class RecordingSink implements SinkTarget {
  readonly staged: { epoch: number; partition: number; attempt: number; ipc: Uint8Array }[] = [];
  readonly commits: { epoch: number; partitions: readonly CommittedPartition[] }[] = [];
  readonly aborts: number[] = [];
  hold: Promise<void> | undefined;
  readonly ledger: EpochLedger;
  readonly #stagedWaiters: { n: number; resolve: () => void }[] = [];
  #nextBatchId = 0;

  /** `lastCommitted`: the epochs an earlier run already delivered. */
  constructor(lastCommitted = -1) {
    this.ledger = new MemoryEpochLedger(lastCommitted);
  }

  async stage(epoch: number, partition: number, attempt: number, ipc: Uint8Array): Promise<void> {
    this.staged.push({ epoch, partition, attempt, ipc });
    for (const w of this.#stagedWaiters.filter((w) => this.staged.length >= w.n)) w.resolve();
    if (this.hold) await this.hold;
  }

  async commitEpoch(epoch: number, partitions: readonly CommittedPartition[]): Promise<CommitResult> {
    this.commits.push({ epoch, partitions });
    this.ledger.commit(epoch);
    return { duplicate: false, batchId: this.#nextBatchId++ };
  }

  async abortEpoch(epoch: number): Promise<void> {
    this.aborts.push(epoch);
  }

  /** Resolves once at least n stage() calls have been made. */
  stagedAtLeast(n: number): Promise<void> {
    if (this.staged.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.#stagedWaiters.push({ n, resolve }));
  }
}

export async function startEndpoint(logger = memoryLogger()): Promise<{ endpoint: WireEndpoint; logger: ReturnType<typeof memoryLogger> }> {
  const endpoint = await WireEndpoint.start({ logger });
  return { endpoint, logger };
}

/**
 * `count` unauthenticated peers each declare a 1 GiB HELLO and never send it: each is refused
 * with a protocol error naming the pre-authentication limit, and together they make Node hold
 * no more than that limit and a reader's scratch buffer each.
 */
export async function oversizedHellosRefused(open: () => Promise<TestClient>, count: number): Promise<void> {
  const before = process.memoryUsage().arrayBuffers;
  const clients: TestClient[] = [];
  for (let i = 0; i < count; i++) {
    const client = await open();
    client.socket.write(encodeHeader(FrameType.HELLO, 1 << 30)); // and never the payload
    clients.push(client);
  }
  for (const client of clients) {
    const answer = await client.readJson();
    assert.is(answer.type, FrameType.ERROR);
    assert.is(answer.body['code'], 'DRLS_PROTOCOL_ERROR');
    assert.match(String(answer.body['message']), `exceeds the limit of ${HELLO_MAX_BYTES}`);
  }
  assert.ok(process.memoryUsage().arrayBuffers - before < count * (HELLO_MAX_BYTES + 64 * 1024) + (8 << 20));
}
