import { randomUUID } from 'node:crypto';
import { open, readdir, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC, type Schema } from 'apache-arrow';
import { InvalidArgumentError, StreamFailedError } from '../../../runtime/base/index.js';
import type { StoredEntry } from '../../../actors/stream-coordinator-protocol.js';
import type { FsyncPolicy, ValidLogOptions } from './log-options.js';
import { syncDir, writeManifest } from './manifest-file.js';
import { openLogDir } from './open-log-dir.js';
import { readPayload, recordBytes, scanRecords, type RecordRef } from './record-file.js';
import { segmentEntry } from './segment-entry.js';
import { SegmentWriter } from './segment-writer.js';

/** A segment is closed and a new one begun past this many bytes, so acknowledged data can be removed. */
const SEGMENT_BYTES = 64 * 1024 * 1024;

interface ReverseManifest {
  readonly version: 1;
  readonly kind: 'reverse';
  readonly streamId: string;
  /** The stream's incarnation: one per log, so Spark's offsets stay valid across restarts on it. */
  readonly incarnation: string;
  /** Every position up to this one was committed by Spark. */
  readonly ackedPosition: number;
}

interface Segment {
  /** Position of its first record. */
  readonly first: number;
  readonly path: string;
  /** Its records, in position order; grows while it is the one written. */
  readonly records: RecordRef[];
}

/**
 * The reverse path's stream log: the producer's batches on Node's disk, each one Arrow IPC
 * stream, at consecutive positions, which are also the coordinator's batch ids and so Spark's
 * offsets: they stay monotonic across Node restarts. Segments `r-<first position>.seg` are
 * appended to and never edited; a record is durable before Spark can see its position (fsync
 * per policy). The manifest keeps only what Spark committed. On open the segments are read
 * back and a torn record at the tail (a crash mid-write) is cut off.
 */
export class ReverseLog {
  readonly dir: string;
  readonly streamId: string;
  readonly fsync: FsyncPolicy;
  #manifest: ReverseManifest;
  readonly #segments: Segment[];
  readonly #unlock: () => Promise<void>;
  #writer: SegmentWriter | undefined;
  #next: number;
  /** Positions appended but not yet fsynced (policy 'epoch'). */
  #unsynced = false;
  /** A segment file was created since the directory was last fsynced. */
  #newFile = false;
  #writes: Promise<void> = Promise.resolve();
  #appends: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** The schema of the batches already in the log, when there are some. */
  schema: Schema | undefined;

  private constructor(dir: string, streamId: string, fsync: FsyncPolicy, manifest: ReverseManifest, segments: Segment[], next: number, unlock: () => Promise<void>) {
    this.dir = dir;
    this.streamId = streamId;
    this.fsync = fsync;
    this.#manifest = manifest;
    this.#segments = segments;
    this.#next = next;
    this.#unlock = unlock;
  }

  static open(options: ValidLogOptions, streamId: string, name = 'options.log'): Promise<ReverseLog> {
    return openLogDir(options, streamId, name, {
      kind: 'reverse',
      carries: 'Node-to-Spark',
      create: emptyManifest,
      check: checkManifest,
      async load(dir, manifest, unlock) {
        const segments = await recover(dir, manifest.ackedPosition);
        const last = segments.at(-1);
        const next = Math.max(manifest.ackedPosition + 1, last ? last.first + last.records.length : 0);
        return new ReverseLog(dir, streamId, options.fsync, manifest, segments, next, unlock);
      },
      async loaded(log) {
        log.schema = await log.#firstSchema();
      },
    });
  }

  /**
   * The stream's incarnation (see SourceTarget.incarnation): made with the log, kept by it, so a
   * query restarted on its checkpoint after Node restarted still reads the same numbering, and one
   * on the checkpoint of another log is told apart.
   */
  get incarnation(): string {
    return this.#manifest.incarnation;
  }

  /** The first position not committed by Spark: where the coordinator's batch ids start. */
  get firstPosition(): number {
    return this.#manifest.ackedPosition + 1;
  }

  /** The last position written, -1 when none ever was: where a producer resumes after. */
  get lastPosition(): number {
    return this.#next - 1;
  }

  /** Appends one batch; resolves with its position once written (and fsynced, with 'always'). */
  append(ipc: Uint8Array, rows: number): Promise<number> {
    const run = this.#appends.then(async () => {
      if (this.#closed) throw new StreamFailedError(this.streamId, 'the stream log was closed');
      let segment = this.#segments.at(-1);
      if (!this.#writer || !segment || this.#writer.bytes >= SEGMENT_BYTES) {
        await this.#writer?.close(this.fsync !== 'never');
        segment = { first: this.#next, path: join(this.dir, `r-${this.#next}.seg`), records: [] };
        this.#writer = new SegmentWriter(segment.path, this.streamId, { eagerSync: this.fsync === 'epoch' });
        this.#segments.push(segment);
        if (this.fsync !== 'never') this.#newFile = true;
      }
      const ref = await this.#writer.append(ipc, rows, this.fsync === 'always');
      if (this.fsync === 'always' && this.#newFile) await this.#syncDirOnce();
      segment.records.push(ref);
      this.#unsynced = this.fsync === 'epoch';
      return this.#next++;
    });
    this.#appends = run.catch(() => undefined);
    return run;
  }

  async #syncDirOnce(): Promise<void> {
    this.#newFile = false;
    await syncDir(this.dir);
  }

  /** Makes every append so far durable (policy 'epoch'): called before Spark may see their positions. */
  sync(): Promise<void> {
    const run = this.#appends.then(async () => {
      if (!this.#unsynced || !this.#writer) return;
      this.#unsynced = false;
      await this.#writer.flush(true);
      if (this.#newFile) await this.#syncDirOnce();
    });
    this.#appends = run.catch(() => undefined);
    return run;
  }

  /** A coordinator entry reading the batch at `position` from disk when taken. */
  entry(position: number, schema: Schema): StoredEntry {
    const { segment, ref } = this.#find(position);
    return segmentEntry({ path: segment.path, records: [ref], count: 1, bytes: ref.offset + recordBytes(ref.length), rows: ref.rows, payloadBytes: ref.length }, schema, this.streamId);
  }

  /** Positions in the log Spark has not committed, oldest first: what a new stream on it offers again. */
  pendingPositions(): number[] {
    const out: number[] = [];
    for (let p = this.firstPosition; p < this.#next; p++) out.push(p);
    return out;
  }

  #find(position: number): { segment: Segment; ref: RecordRef } {
    for (let i = this.#segments.length - 1; i >= 0; i--) {
      const segment = this.#segments[i]!;
      if (position < segment.first) continue;
      const ref = segment.records[position - segment.first];
      if (ref) return { segment, ref };
      break;
    }
    throw new StreamFailedError(this.streamId, `the stream log holds no batch at position ${position}`);
  }

  async #firstSchema(): Promise<Schema | undefined> {
    if (this.firstPosition >= this.#next) return undefined;
    const { segment, ref } = this.#find(this.firstPosition);
    const file = await open(segment.path, 'r');
    try {
      const payload = await readPayload(file, ref);
      if (!payload) throw new StreamFailedError(this.streamId, `the stream's data in ${segment.path} is unreadable: the record at byte ${ref.offset} is torn or corrupt`);
      return tableFromIPC(payload).schema;
    } finally {
      await file.close();
    }
  }

  /**
   * Spark committed every position up to `position`: recorded (fsynced only with 'always': a lost
   * acknowledgement means a batch is offered again, never that one is lost), then every closed
   * segment wholly before it removed.
   */
  async acknowledge(position: number): Promise<void> {
    const run = this.#writes.then(async () => {
      if (position <= this.#manifest.ackedPosition || this.#closed) return;
      const next = { ...this.#manifest, ackedPosition: position };
      await writeManifest(this.dir, next, this.fsync === 'always');
      this.#manifest = next;
      while (this.#segments.length > 1) {
        const [oldest, following] = this.#segments as [Segment, Segment];
        if (following.first - 1 > position) break;
        this.#segments.shift();
        await rm(oldest.path, { force: true });
      }
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#appends;
    await this.#writes;
    this.#closed = true;
    await this.#writer?.close(this.fsync !== 'never');
    await this.#unlock();
  }
}

const SEGMENT = /^r-(\d+)\.seg$/;

/**
 * The segments on disk, in position order, each scanned: a torn record at the tail of the last
 * one is cut off (with everything after it); segments wholly committed are removed.
 */
async function recover(dir: string, acked: number): Promise<Segment[]> {
  const found = (await readdir(dir))
    .map((file) => ({ file, m: SEGMENT.exec(file) }))
    .filter((f): f is { file: string; m: RegExpExecArray } => f.m !== null)
    .map((f) => ({ first: Number(f.m[1]), path: join(dir, f.file) }))
    .sort((a, b) => a.first - b.first);
  const segments: Segment[] = [];
  let expected: number | undefined;
  for (let i = 0; i < found.length; i++) {
    const { first, path } = found[i]!;
    if (expected !== undefined && first !== expected) {
      // A segment begun after a torn one: nothing in it can follow what was cut off.
      await rm(path, { force: true });
      continue;
    }
    const file = await open(path, 'r');
    let scan;
    try {
      scan = await scanRecords(file, { checkLast: true });
    } finally {
      await file.close();
    }
    if (scan.torn) await truncate(path, scan.validBytes);
    const next = first + scan.records.length;
    if (scan.records.length === 0) {
      await rm(path, { force: true }); // begun, never written: the next append begins it again
      expected = scan.torn ? -1 : next;
      continue;
    }
    if (next - 1 <= acked && i < found.length - 1) {
      await rm(path, { force: true }); // committed by Spark before the crash
      expected = next;
      continue;
    }
    segments.push({ first, path, records: scan.records });
    expected = scan.torn ? -1 : next;
  }
  return segments;
}

function emptyManifest(streamId: string): ReverseManifest {
  return { version: 1, kind: 'reverse', streamId, incarnation: randomUUID(), ackedPosition: -1 };
}

function checkManifest(found: Record<string, unknown>, dir: string, name: string): ReverseManifest {
  const m = found as Partial<ReverseManifest>;
  if (typeof m.ackedPosition !== 'number' || typeof m.incarnation !== 'string') throw new InvalidArgumentError(`${name}.dir: ${dir} holds a malformed manifest`);
  return m as ReverseManifest;
}
