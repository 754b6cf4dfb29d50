import type { Socket } from 'node:net';
import { HEADER_BYTES, frameTypeName, isFrameType, type Frame } from './frame.js';
import { ProtocolError } from './errors.js';

/**
 * Reads frames off a socket, reading ahead at most `readAheadBytes` beyond the frame being
 * awaited. A caller busy with a frame (a stage() waiting for room) therefore stops the socket once
 * that much is buffered: the kernel buffers fill and TCP pushes back on the sender. The read-ahead
 * spares a pause/resume per frame when the caller keeps up.
 */
export class FrameReader {
  readonly #socket: Socket;
  readonly #maxPayload: number;
  readonly #readAhead: number;
  #needed = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #discarding = false;

  constructor(socket: Socket, maxPayload: number, readAheadBytes = 1 << 20) {
    this.#socket = socket;
    this.#maxPayload = maxPayload;
    this.#readAhead = readAheadBytes;
    socket.on('data', (chunk: Buffer) => {
      if (this.#discarding) return;
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered >= this.#needed + this.#readAhead) socket.pause();
      this.#notify();
    });
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
    return this.#buffered;
  }

  /** Drops buffered and further input (the connection is being refused). */
  discard(): void {
    this.#discarding = true;
    this.#chunks = [];
    this.#buffered = 0;
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
    if (!(await this.#fill(HEADER_BYTES + length))) {
      throw new ProtocolError(`connection closed inside a ${frameTypeName(type)} frame (${this.#buffered - HEADER_BYTES} of ${length} payload bytes)`);
    }
    this.#skip(HEADER_BYTES);
    return { type, payload: this.#take(length) };
  }

  async #fill(n: number): Promise<boolean> {
    this.#needed = n;
    while (this.#buffered < n) {
      if (this.#error) throw this.#error;
      if (this.#ended) return false;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#socket.resume();
      });
    }
    this.#needed = 0;
    if (this.#buffered >= this.#readAhead) this.#socket.pause();
    return true;
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

  #skip(n: number): void {
    this.#copyOut(undefined, n);
  }

  /** Copies n bytes into a fresh ArrayBuffer at offset 0: Arrow reads it zero-copy (8-byte aligned). */
  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.#copyOut(out, n);
    return out;
  }

  #copyOut(out: Uint8Array | undefined, n: number): void {
    let done = 0;
    while (done < n) {
      const chunk = this.#chunks[0]!;
      const use = Math.min(chunk.length, n - done);
      out?.set(chunk.subarray(0, use), done);
      done += use;
      if (use === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(use);
    }
    this.#buffered -= n;
  }
}
