import type { Buffer } from 'node:buffer';
import { Socket } from 'node:net';
import { HEADER_BYTES, frameTypeName, isFrameType, type Frame, type FrameType } from './frame.js';
import { ProtocolError, payloadPool } from '../../runtime/base/index.js';

/** Marks a reader whose socket is attached afterwards, by {@link FrameReader.adopt}. */
const UNATTACHED = Symbol('unattached');

/** Room for headers and small frames; a payload that does not fit gets its own buffer. */
const SCRATCH_BYTES = 64 * 1024;
const DEFAULT_READ_AHEAD = 1 << 20;

/** A payload that did not arrive whole with its header: the rest is read straight into it. */
interface Filling {
  readonly type: FrameType;
  readonly out: Uint8Array;
  filled: number;
}

/**
 * Reads frames off a socket, reading ahead at most `readAheadBytes` of complete frames
 * nobody has asked for yet. A caller busy with a frame (a stage() waiting for room)
 * therefore stops the socket once that much is queued: the kernel buffers fill and TCP
 * pushes back on the sender.
 *
 * Every payload lands in memory of the process's payload pool, 8-byte aligned (Arrow reads
 * it zero-copy), reused only once nothing refers to it (see PayloadPool). On a socket made by
 * {@link FrameReader.adopt}, the kernel writes a large payload straight into that memory: no
 * 64 KiB chunk per read and no copy. Per-read chunks and per-frame buffers were garbage V8
 * had to collect with full mark-compacts, which halved the wire's throughput.
 */
export class FrameReader {
  #socket!: Socket;
  #maxPayload: number;
  #readAhead: number;
  readonly #scratch = new Uint8Array(SCRATCH_BYTES);
  #start = 0; // unparsed bytes are scratch[#start, #end)
  #end = 0;
  #filling: Filling | undefined;
  readonly #frames: Frame[] = [];
  #queuedBytes = 0;
  #failure: Error | undefined; // a protocol error, delivered after the frames before it
  #ended = false;
  #error: Error | undefined; // the socket's
  #wake: (() => void) | undefined;
  #discarding = false;
  // Whether this reader paused the socket. Resuming a flowing socket is not free (a tick and a
  // read(0) each time), and a large payload arrives in many reads.
  #paused = true;

  /** Reads `socket`'s 'data' chunks, copying them into place. */
  constructor(socket: Socket | typeof UNATTACHED, maxPayload: number, readAheadBytes = DEFAULT_READ_AHEAD) {
    this.#maxPayload = maxPayload;
    this.#readAhead = readAheadBytes;
    if (socket === UNATTACHED) return;
    this.#attach(socket);
    socket.on('data', (chunk: Buffer) => this.#copyIn(chunk));
    socket.pause();
  }

  /**
   * Takes over a socket accepted by a server made with `pauseOnConnect: true`, re-opening it
   * so the kernel reads into buffers this reader chooses. Use the returned socket from then
   * on: the accepted one is spent. Falls back to reading chunks where Node does not allow it.
   */
  static adopt(accepted: Socket, maxPayload: number, readAheadBytes = DEFAULT_READ_AHEAD): { reader: FrameReader; socket: Socket; readsInPlace: boolean } {
    // The one use of a Node internal in drls: Node has no public way to choose where an accepted
    // socket's reads land. Without it, reads are chunks copied into place (correct, slower);
    // a test asserts which path the running Node takes.
    const holder = accepted as unknown as { _handle?: object | null };
    const handle = holder._handle;
    if (!handle || typeof handle !== 'object' || accepted.destroyed) {
      const reader = new FrameReader(accepted, maxPayload, readAheadBytes);
      return { reader, socket: accepted, readsInPlace: false };
    }
    // Detach the handle first, so destroying the spent socket releases the server's count of
    // it without closing the connection the new socket now owns.
    holder._handle = null;
    accepted.destroy();
    const reader = new FrameReader(UNATTACHED, maxPayload, readAheadBytes);
    const socket = new Socket({
      handle,
      pauseOnCreate: true,
      onread: {
        buffer: () => reader.#target(),
        callback: (n: number) => reader.#advance(n),
      },
    } as ConstructorParameters<typeof Socket>[0]);
    reader.#attach(socket);
    return { reader, socket, readsInPlace: true };
  }

  /**
   * Raise the limits once the peer is known: before authentication a connection may only
   * make Node hold a HELLO's worth of bytes, whatever its frames declare.
   */
  raiseLimits(maxPayload: number, readAheadBytes = DEFAULT_READ_AHEAD): void {
    this.#maxPayload = Math.max(this.#maxPayload, maxPayload);
    this.#readAhead = Math.max(this.#readAhead, readAheadBytes);
  }

  /** Drops buffered and further input (the connection is being refused). */
  discard(): void {
    this.#discarding = true;
    this.#frames.length = 0;
    this.#queuedBytes = 0;
    this.#start = this.#end = 0;
    this.#filling = undefined;
    this.#resume();
  }

  /** The next frame, or null when the peer closed cleanly between frames. */
  async next(): Promise<Frame | null> {
    for (;;) {
      const frame = this.#frames.shift();
      if (frame) {
        this.#queuedBytes -= frame.payload.byteLength;
        if (this.#queuedBytes < this.#readAhead && !this.#failure) this.#resume();
        return frame;
      }
      if (this.#failure) throw this.#failure;
      if (this.#error) throw this.#error;
      if (this.#ended) {
        const f = this.#filling;
        if (f) throw new ProtocolError(`connection closed inside a ${frameTypeName(f.type)} frame (${f.filled} of ${f.out.byteLength} payload bytes)`);
        if (this.#end > this.#start) {
          throw new ProtocolError(`connection closed inside a frame header (${this.#end - this.#start} of ${HEADER_BYTES} bytes)`);
        }
        return null;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#resume();
      });
    }
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    const ended = (): void => {
      this.#ended = true;
      this.#notify();
    };
    socket.on('end', ended);
    socket.on('close', ended);
    socket.on('error', (err) => {
      this.#error = err;
      this.#notify();
    });
  }

  /** Where the next bytes read should go. */
  #target(): Uint8Array {
    const filling = this.#filling;
    if (filling) return filling.out.subarray(filling.filled);
    if (this.#start > 0) {
      // At most a partial header is left unparsed: move it to the front.
      this.#scratch.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    return this.#scratch.subarray(this.#end);
  }

  /** `n` bytes have been written at {@link #target}. */
  #advance(n: number): void {
    if (this.#discarding || n <= 0) return;
    const filling = this.#filling;
    if (filling) {
      filling.filled += n;
      if (filling.filled === filling.out.byteLength) {
        this.#filling = undefined;
        this.#queue({ type: filling.type, payload: filling.out });
      }
    } else {
      this.#end += n;
      this.#parse();
    }
    if (this.#queuedBytes >= this.#readAhead || this.#failure) this.#pause();
    // Only a whole frame or a failure is news to next(); the reads in between are not.
    if (this.#frames.length > 0 || this.#failure) this.#notify();
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#socket.resume();
  }

  /** The 'data' path: each chunk is copied into place, piece by piece. */
  #copyIn(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.byteLength && !this.#discarding && !this.#failure) {
      const target = this.#target();
      const n = Math.min(target.byteLength, chunk.byteLength - at);
      target.set(chunk.subarray(at, at + n));
      at += n;
      this.#advance(n);
    }
  }

  /** Cuts complete frames out of the scratch buffer; a payload that is not all here gets its own buffer. */
  #parse(): void {
    const s = this.#scratch;
    while (this.#end > this.#start && !this.#failure) {
      const type = s[this.#start]!;
      // Check the type before waiting for more: garbage is refused at its first byte.
      if (!isFrameType(type)) return this.#fail(new ProtocolError(`unknown frame type ${frameTypeName(type)}`));
      const available = this.#end - this.#start;
      if (available < HEADER_BYTES) return;
      const length = new DataView(s.buffer, s.byteOffset + this.#start + 1, 4).getUint32(0, false);
      if (length > this.#maxPayload) {
        return this.#fail(new ProtocolError(`${frameTypeName(type)} frame of ${length} bytes exceeds the limit of ${this.#maxPayload}`));
      }
      const from = this.#start + HEADER_BYTES;
      if (available - HEADER_BYTES >= length) {
        this.#start = from + length;
        const payload = payloadPool.take(length);
        payload.set(s.subarray(from, from + length));
        this.#queue({ type, payload });
        continue;
      }
      const out = payloadPool.take(length);
      out.set(s.subarray(from, this.#end));
      this.#filling = { type, out, filled: this.#end - from };
      this.#start = this.#end = 0;
      return;
    }
    if (this.#start === this.#end) this.#start = this.#end = 0;
  }

  #queue(frame: Frame): void {
    this.#frames.push(frame);
    this.#queuedBytes += frame.payload.byteLength;
  }

  #fail(error: Error): void {
    this.#failure = error;
    this.#start = this.#end = 0;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
