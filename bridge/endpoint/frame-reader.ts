import type { Socket } from 'node:net';
import { HEADER_BYTES, frameTypeName, isFrameType, type Frame } from './frame.js';
import { ProtocolError } from './errors.js';

/** Payloads at least this large are copied into place as their chunks arrive. */
const DIRECT_FILL_BYTES = 256 * 1024;

/** A large payload being filled straight from the socket's chunks. */
interface Filling {
  readonly out: Uint8Array;
  filled: number;
}

/**
 * Reads frames off a socket, reading ahead at most `readAheadBytes` beyond the frame being
 * awaited. A caller busy with a frame (a stage() waiting for room) therefore stops the socket once
 * that much is buffered: the kernel buffers fill and TCP pushes back on the sender. The read-ahead
 * spares a pause/resume per frame when the caller keeps up.
 *
 * Every payload is copied once, into its own ArrayBuffer at offset 0 (Arrow reads it zero-copy);
 * a large one is filled chunk by chunk as data arrives, so its chunks never pile up.
 */
export class FrameReader {
  readonly #socket: Socket;
  readonly #maxPayload: number;
  readonly #readAhead: number;
  #needed = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #filling: Filling | undefined;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #discarding = false;

  constructor(socket: Socket, maxPayload: number, readAheadBytes = 1 << 20) {
    this.#socket = socket;
    this.#maxPayload = maxPayload;
    this.#readAhead = readAheadBytes;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on('error', (err) => {
      this.#error = err;
      this.#notify();
    });
    socket.pause();
  }

  /** Bytes received and not yet handed out as frames. */
  get buffered(): number {
    return this.#buffered + (this.#filling?.filled ?? 0);
  }

  /** Drops buffered and further input (the connection is being refused). */
  discard(): void {
    this.#discarding = true;
    this.#chunks = [];
    this.#buffered = 0;
    this.#filling = undefined;
    this.#socket.resume();
  }

  /** The next frame, or null when the peer closed cleanly between frames. */
  async next(): Promise<Frame | null> {
    if (!(await this.#fill(1))) return null;
    const type = this.#chunks[0]![0]!;
    // Check the type before waiting for more: garbage is refused at its first byte.
    if (!isFrameType(type)) throw new ProtocolError(`unknown frame type ${frameTypeName(type)}`);
    if (!(await this.#fill(HEADER_BYTES))) {
      throw new ProtocolError(`connection closed inside a frame header (${this.#buffered} of ${HEADER_BYTES} bytes)`);
    }
    const header = this.#peek(HEADER_BYTES);
    const length = new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getUint32(1, false);
    if (length > this.#maxPayload) {
      throw new ProtocolError(`${frameTypeName(type)} frame of ${length} bytes exceeds the limit of ${this.#maxPayload}`);
    }
    this.#copyOut(undefined, HEADER_BYTES);
    const closedInside = (): ProtocolError =>
      new ProtocolError(`connection closed inside a ${frameTypeName(type)} frame (${this.buffered} of ${length} payload bytes)`);

    if (length < DIRECT_FILL_BYTES || this.#buffered >= length) {
      if (!(await this.#fill(length))) throw closedInside();
      const out = new Uint8Array(length);
      this.#copyOut(out, length);
      return { type, payload: out };
    }
    const filling: Filling = { out: new Uint8Array(length), filled: this.#buffered };
    this.#copyOut(filling.out, this.#buffered);
    this.#filling = filling;
    try {
      while (filling.filled < length) {
        if (this.#error) throw this.#error;
        if (this.#ended) throw closedInside();
        await this.#waitForData();
      }
    } finally {
      this.#filling = undefined;
    }
    this.#pauseIfAhead();
    return { type, payload: filling.out };
  }

  #onData(chunk: Buffer): void {
    if (this.#discarding) return;
    const filling = this.#filling;
    if (filling) {
      const use = Math.min(chunk.length, filling.out.length - filling.filled);
      filling.out.set(use === chunk.length ? chunk : chunk.subarray(0, use), filling.filled);
      filling.filled += use;
      if (use < chunk.length) this.#push(chunk.subarray(use));
      if (filling.filled === filling.out.length) this.#notify();
      return;
    }
    this.#push(chunk);
    if (this.#buffered >= this.#needed + this.#readAhead) this.#socket.pause();
    this.#notify();
  }

  #push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  async #fill(n: number): Promise<boolean> {
    this.#needed = n;
    while (this.#buffered < n) {
      if (this.#error) throw this.#error;
      if (this.#ended) return false;
      await this.#waitForData();
    }
    this.#needed = 0;
    this.#pauseIfAhead();
    return true;
  }

  #waitForData(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#socket.resume();
    });
  }

  #pauseIfAhead(): void {
    if (this.#buffered >= this.#readAhead) this.#socket.pause();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #peek(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.#chunks, n);
  }

  /** Moves n buffered bytes into `out` (or drops them when there is no `out`). */
  #copyOut(out: Uint8Array | undefined, n: number): void {
    let done = 0;
    while (done < n) {
      const chunk = this.#chunks[0]!;
      const use = Math.min(chunk.length, n - done);
      out?.set(use === chunk.length ? chunk : chunk.subarray(0, use), done);
      done += use;
      if (use === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(use);
    }
    this.#buffered -= n;
  }
}
