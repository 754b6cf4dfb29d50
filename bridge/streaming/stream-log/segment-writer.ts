import { open, rm, type FileHandle } from 'node:fs/promises';
import { recordBytes, writeRecord, type RecordRef } from './record-file.js';

/**
 * One segment file being written: records appended strictly in call order (each append waits
 * for the one before, so several writers of a stream never interleave one file), opened on the
 * first append. What it wrote is what it reports: `bytes` and `records` count completed records.
 *
 * With `eagerSync`, each append starts a background fdatasync when none is running: the disk
 * writes overlap the data still arriving, and the fsync a commit waits for covers only the tail.
 */
export class SegmentWriter {
  readonly path: string;
  readonly #streamId: string;
  readonly #eagerSync: boolean;
  #file: Promise<FileHandle> | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #offset = 0;
  #records: RecordRef[] = [];
  #rows = 0;
  #payloadBytes = 0;
  /** Appends completed, and how many of them the last finished sync covered. */
  #written = 0;
  #synced = 0;
  #background: Promise<void> | undefined;

  constructor(path: string, streamId: string, options: { eagerSync?: boolean } = {}) {
    this.path = path;
    this.#streamId = streamId;
    this.#eagerSync = options.eagerSync ?? false;
  }

  /** Bytes of completed records: the file's valid length. */
  get bytes(): number {
    return this.#offset;
  }

  get records(): readonly RecordRef[] {
    return this.#records;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Bytes of the payloads alone (what the batches take in memory, about). */
  get payloadBytes(): number {
    return this.#payloadBytes;
  }

  /** Appends one record (after every earlier append); `sync` fsyncs it before resolving. */
  append(payload: Uint8Array, rows: number, sync = false): Promise<RecordRef> {
    const run = this.#tail.then(async () => {
      const file = await this.#handle();
      const ref = await writeRecord(file, this.#offset, payload, rows, this.#streamId);
      this.#offset += recordBytes(payload.byteLength);
      this.#records.push(ref);
      this.#rows += rows;
      this.#payloadBytes += payload.byteLength;
      this.#written++;
      if (sync) await this.#sync(file);
      else if (this.#eagerSync && !this.#background) {
        this.#background = this.#sync(file)
          .catch(() => undefined) // the commit's own sync reports a failing disk
          .finally(() => (this.#background = undefined));
      }
      return ref;
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every append so far is written, and with `sync`, on disk. */
  flush(sync: boolean): Promise<void> {
    const run = this.#tail.then(async () => {
      if (sync && this.#file) await this.#sync(await this.#file);
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** fdatasync: the data and what finds it again (the length), not the timestamps. */
  async #sync(file: FileHandle): Promise<void> {
    await this.#background;
    const upTo = this.#written;
    if (upTo === this.#synced) return;
    await file.datasync();
    this.#synced = Math.max(this.#synced, upTo);
  }

  #handle(): Promise<FileHandle> {
    return (this.#file ??= open(this.path, 'w'));
  }

  /** Flushes (fsync when `sync`), then closes the file; it stays on disk. */
  async close(sync = false): Promise<void> {
    await this.flush(sync).catch(() => undefined);
    const file = this.#file;
    this.#file = undefined;
    if (file) await (await file).close();
  }

  /** Closes and removes the file. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
