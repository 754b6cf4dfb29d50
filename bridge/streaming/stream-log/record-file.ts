import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { StreamFailedError } from '../../../runtime/base/index.js';

/**
 * The one on-disk format of the stream log's segment files: records, each one Arrow IPC stream
 * exactly as it came (never re-encoded), behind a 24-byte header (little-endian u32s):
 *
 *   magic 'DRLS' | payload length | rows | CRC-32 of the payload | 0 | CRC-32 of the 20 bytes before
 *
 * then the payload, then zeros up to a multiple of 8 bytes, so every payload starts 8-byte aligned
 * (Arrow JS's zero-copy path). A header that does not check out, or a record running past the end
 * of the file, is a torn write: the file's valid part ends before it.
 */
export const RECORD_HEADER_BYTES = 24;
const MAGIC = 0x534c5244; // 'DRLS' read little-endian
const PAD = new Uint8Array(8);

/** Where one record's payload is in its file. */
export interface RecordRef {
  /** Offset of the record's header. */
  readonly offset: number;
  readonly length: number;
  /** Rows the payload's record batches hold (known without reading it). */
  readonly rows: number;
  readonly crc: number;
}

/** Bytes a record of `length` payload bytes takes in its file. */
export function recordBytes(length: number): number {
  return RECORD_HEADER_BYTES + length + padding(length);
}

function padding(length: number): number {
  return (8 - (length % 8)) % 8;
}

function header(length: number, rows: number, crc: number): Uint8Array {
  const h = new Uint8Array(RECORD_HEADER_BYTES);
  const view = new DataView(h.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, length, true);
  view.setUint32(8, rows, true);
  view.setUint32(12, crc, true);
  view.setUint32(20, crc32(h.subarray(0, 20)), true);
  return h;
}

/**
 * Writes one record at `offset` (one writev: header, payload, padding); resolves with its ref.
 * The caller owns the offsets, so a record that failed half-way is simply written over.
 */
export async function writeRecord(file: FileHandle, offset: number, payload: Uint8Array, rows: number, streamId: string): Promise<RecordRef> {
  const crc = crc32(payload);
  const parts = [header(payload.byteLength, rows, crc), payload];
  const pad = padding(payload.byteLength);
  if (pad > 0) parts.push(PAD.subarray(0, pad));
  let written = 0;
  const total = recordBytes(payload.byteLength);
  // writev may write less than asked (a signal, a full disk): go on from where it stopped.
  while (written < total) {
    const { bytesWritten } = await file.writev(remaining(parts, written), offset + written);
    if (bytesWritten === 0) throw new StreamFailedError(streamId, `the stream log's disk accepted no bytes at offset ${offset + written}`);
    written += bytesWritten;
  }
  return { offset, length: payload.byteLength, rows, crc };
}

function remaining(parts: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (skip >= p.byteLength) {
      skip -= p.byteLength;
      continue;
    }
    out.push(skip > 0 ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}

/** The header at `offset`, or undefined when it is torn (short, wrong magic, bad check, past the end). */
async function readHeader(file: FileHandle, offset: number, size: number): Promise<RecordRef | undefined> {
  if (offset + RECORD_HEADER_BYTES > size) return undefined;
  const h = new Uint8Array(RECORD_HEADER_BYTES);
  const { bytesRead } = await file.read(h, 0, RECORD_HEADER_BYTES, offset);
  if (bytesRead < RECORD_HEADER_BYTES) return undefined;
  const view = new DataView(h.buffer);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(20, true) !== crc32(h.subarray(0, 20))) return undefined;
  const length = view.getUint32(4, true);
  if (offset + RECORD_HEADER_BYTES + length > size) return undefined;
  return { offset, length, rows: view.getUint32(8, true), crc: view.getUint32(12, true) };
}

/** What a scan found: the records, in order, and where the valid part of the file ends. */
export interface Scan {
  readonly records: RecordRef[];
  readonly validBytes: number;
  /** The file holds bytes past its valid part: a torn record (or garbage) at its tail. */
  readonly torn: boolean;
}

/**
 * Reads a file's record headers from the start, up to `limit` bytes (the length the log's
 * manifest recorded, when it did). Headers only: payloads are checked when they are read.
 * With `checkLast`, the last record's payload is checked too: a crash can leave a whole header
 * in front of a payload that never reached the disk.
 */
export async function scanRecords(file: FileHandle, options: { limit?: number; checkLast?: boolean } = {}): Promise<Scan> {
  const { size } = await file.stat();
  const end = Math.min(size, options.limit ?? Infinity);
  const records: RecordRef[] = [];
  let offset = 0;
  for (;;) {
    const ref = await readHeader(file, offset, end);
    if (!ref) break;
    records.push(ref);
    offset += recordBytes(ref.length);
  }
  if (options.checkLast && records.length > 0) {
    const last = records.at(-1)!;
    if (!(await readPayload(file, last))) {
      records.pop();
      offset = last.offset;
    }
  }
  return { records, validBytes: Math.min(offset, end), torn: size > offset };
}

/**
 * One record's payload in a buffer of its own (offset 0, so Arrow reads it in place), or
 * undefined when it is torn or corrupt (short, or its CRC does not match).
 */
export async function readPayload(file: FileHandle, ref: RecordRef): Promise<Uint8Array | undefined> {
  const out = new Uint8Array(ref.length);
  let read = 0;
  while (read < ref.length) {
    const { bytesRead } = await file.read(out, read, ref.length - read, ref.offset + RECORD_HEADER_BYTES + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return read === ref.length && crc32(out) === ref.crc ? out : undefined;
}
