import { open } from 'node:fs/promises';
import type { Schema } from 'apache-arrow';
import { StreamFailedError } from '../../../runtime/base/index.js';
import type { StoredEntry } from '../../../actors/stream-coordinator-protocol.js';
import { readPayload, recordBytes, scanRecords, type RecordRef } from './record-file.js';

/** Where a stored entry's payloads are: every record of a file, or some records of one. */
export interface SegmentSlice {
  readonly path: string;
  /** The records, when known (a log's index); otherwise the file is read from its start. */
  readonly records?: readonly RecordRef[];
  /** How many records it must hold: fewer is a damaged log, never a silent gap. */
  readonly count: number;
  /** Its valid length (the manifest's): bytes past it are not the entry's. */
  readonly bytes: number;
  readonly rows: number;
  readonly payloadBytes: number;
}

/**
 * A coordinator entry over records on disk: its payloads are read (one at a time, each CRC
 * checked) only when a consumer takes the entry, so a published micro-batch of a spilled or
 * replayed epoch costs memory only for the payload being read.
 */
export function segmentEntry(slice: SegmentSlice, schema: Schema, streamId: string): StoredEntry {
  return {
    schema,
    numRows: slice.rows,
    numBytes: slice.payloadBytes,
    payloads: () => readSlice(slice, streamId),
  };
}

async function* readSlice(slice: SegmentSlice, streamId: string): AsyncGenerator<Uint8Array, void, undefined> {
  const damaged = (what: string, cause?: unknown): StreamFailedError =>
    new StreamFailedError(streamId, `the stream's data in ${slice.path} is unreadable: ${what}`, cause);
  let file;
  try {
    file = await open(slice.path, 'r');
  } catch (err) {
    throw damaged('the file is gone', err);
  }
  try {
    const records = slice.records ?? (await scanRecords(file, { limit: slice.bytes })).records;
    if (records.length < slice.count) throw damaged(`${records.length} of its ${slice.count} records are whole`);
    for (const ref of records.slice(0, slice.count)) {
      if (ref.offset + recordBytes(ref.length) > slice.bytes) throw damaged(`a record at byte ${ref.offset} runs past its recorded length`);
      const payload = await readPayload(file, ref);
      if (!payload) throw damaged(`the record at byte ${ref.offset} is torn or corrupt (CRC)`);
      yield payload;
    }
  } finally {
    await file.close();
  }
}
