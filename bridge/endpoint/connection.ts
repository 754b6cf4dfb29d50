import type { Socket } from 'node:net';
import { encodeHeader, encodeJsonFrame, FrameType } from './frame.js';
import { FrameReader } from './frame-reader.js';
import { ProtocolError } from '../../runtime/base/index.js';
import type { Frame } from './frame.js';
import type { IpcParts } from './ipc-parts.js';

/** One accepted socket: frames in (pulled, so reading stops while a handler waits), frames out. */
export class Connection {
  readonly socket: Socket;
  readonly reader: FrameReader;
  readonly peer: string;

  /**
   * Takes over an accepted socket; use `socket` afterwards. `maxPayload` bounds both one frame and
   * what is read ahead, until raised. `adopt`: a plain socket accepted with `pauseOnConnect`, whose
   * reads the reader places itself (see FrameReader.adopt). `chunks`: a socket whose bytes Node
   * hands over in chunks, such as a TLSSocket (its bytes are decrypted by Node, not read by the
   * kernel into our buffers), which the reader copies into place.
   */
  constructor(accepted: Socket, maxPayload: number, reads: 'adopt' | 'chunks' = 'adopt') {
    const { reader, socket } = reads === 'adopt' ? FrameReader.adopt(accepted, maxPayload, maxPayload) : { reader: new FrameReader(accepted, maxPayload, maxPayload), socket: accepted };
    this.socket = socket;
    this.reader = reader;
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  }

  next(): Promise<Frame | null> {
    return this.reader.next();
  }

  /** The next frame; the peer closing here is a protocol error (it still owed us something). */
  async require(what: string): Promise<Frame> {
    const frame = await this.reader.next();
    if (!frame) throw new ProtocolError(`connection closed before ${what}`);
    return frame;
  }

  sendJson(type: FrameType, body: object): Promise<void> {
    return this.#write(encodeJsonFrame(type, body));
  }

  sendData(ipc: Uint8Array): Promise<void> {
    return this.sendDataParts({ parts: [ipc], byteLength: ipc.byteLength });
  }

  /** One DATA frame: its header, then its pieces, handed to the kernel in one writev rather than joined. */
  async sendDataParts({ parts, byteLength }: IpcParts): Promise<void> {
    if (this.socket.destroyed) return;
    this.socket.cork();
    this.socket.write(encodeHeader(FrameType.DATA, byteLength));
    for (let i = 0; i < parts.length - 1; i++) this.socket.write(parts[i]!);
    const written = this.#write(parts[parts.length - 1]!);
    this.socket.uncork();
    await written;
  }

  /** Resolves when the socket took the bytes without exceeding its buffer, or once it drained. */
  #write(bytes: Uint8Array): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    if (this.socket.write(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Sends ERROR and closes: the peer gets the reason, unread input is discarded. */
  refuse(code: string, message: string): void {
    if (this.socket.destroyed) return;
    this.socket.end(encodeJsonFrame(FrameType.ERROR, { code, message }));
    this.reader.discard();
    // A peer that never closes its side is cut off rather than holding the socket open.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  close(): void {
    this.socket.end();
  }
}
