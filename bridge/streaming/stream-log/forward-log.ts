import { randomUUID } from 'node:crypto';
import { open, readdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC, type Schema } from 'apache-arrow';
import { InvalidArgumentError, StreamFailedError } from '../../../runtime/base/index.js';
import { storedEntry, type PartitionEntry } from '../../../actors/stream-coordinator-protocol.js';
import type { EpochLedger } from '../../endpoint/index.js';
import type { FsyncPolicy, ValidLogOptions } from './log-options.js';
import { syncDir, writeManifest } from './manifest-file.js';
import { openLogDir } from './open-log-dir.js';
import { readPayload, scanRecords } from './record-file.js';
import { segmentEntry } from './segment-entry.js';
import { SegmentWriter } from './segment-writer.js';

/** One Spark partition of a logged epoch: the committed attempt's segment file. */
export interface LoggedPartition {
  readonly partition: number;
  /** File name in the log's directory. */
  readonly file: string;
  /** The file's valid length once committed: bytes past it are a torn tail. */
  readonly bytes: number;
  readonly records: number;
  readonly rows: number;
  readonly payloadBytes: number;
}

/** An epoch in the log, delivered to the coordinator but not yet acknowledged by its consumers. */
export interface LoggedEpoch {
  readonly epoch: number;
  readonly partitions: readonly LoggedPartition[];
}

interface ForwardManifest {
  readonly version: 1;
  readonly kind: 'forward';
  readonly streamId: string;
  /** Every Spark epoch up to this one is in the log (or was acknowledged): the stream's ledger. */
  readonly lastEpoch: number;
  /** Every epoch up to this one was acknowledged by the stream's consumers. */
  readonly ackedEpoch: number;
  /** Epochs with data after ackedEpoch, oldest first. */
  readonly epochs: readonly LoggedEpoch[];
}

/** The Spark epochs a committed partition's data came from: which attempt, and how many rows. */
export interface CommittedAttempt {
  readonly partition: number;
  readonly writer: SegmentWriter;
}

/**
 * The forward path's stream log: Spark epochs on Node's disk. Each partition attempt being
 * staged has a segment file of its own (`f-<epoch>-<partition>-<attempt>-<run>.seg`); Spark's
 * commit makes the committed attempts' files durable and names them in the manifest, which is
 * also the stream's epoch ledger. Acknowledged epochs leave the manifest, then their files go.
 * Whatever the manifest does not name (a crash's half-staged attempts) is removed on open.
 */
export class ForwardLog {
  readonly dir: string;
  readonly streamId: string;
  readonly fsync: FsyncPolicy;
  readonly ledger: EpochLedger;
  #manifest: ForwardManifest;
  readonly #unlock: () => Promise<void>;
  /** Names the staging files of this run: a Spark restarted in this process reuses attempt ids. */
  readonly #run = randomUUID().slice(0, 8);
  #writes: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, streamId: string, fsync: FsyncPolicy, manifest: ForwardManifest, unlock: () => Promise<void>) {
    this.dir = dir;
    this.streamId = streamId;
    this.fsync = fsync;
    this.#manifest = manifest;
    this.#unlock = unlock;
    const log = this;
    this.ledger = {
      get lastCommitted() {
        return log.#manifest.lastEpoch;
      },
      // The log records an epoch when its data is durable, before it is published (see commitEpoch):
      // nothing is left to record once it is.
      commit() {},
    };
  }

  /** Opens (or creates) the log in `options.dir`, recovering it after a crash. */
  static open(options: ValidLogOptions, streamId: string, name = 'options.log'): Promise<ForwardLog> {
    return openLogDir(options, streamId, name, {
      kind: 'forward',
      carries: 'Spark-to-Node',
      create: emptyManifest,
      check: checkManifest,
      async load(dir, manifest, unlock) {
        const log = new ForwardLog(dir, streamId, options.fsync, manifest, unlock);
        await log.#recover();
        return log;
      },
    });
  }

  /** The last epoch acknowledged by every consumer, -1 before the first. */
  get acknowledgedEpoch(): number {
    return this.#manifest.ackedEpoch;
  }

  /** Epochs in the log no consumer acknowledged yet, oldest first: what a new stream on it delivers again. */
  get pending(): readonly LoggedEpoch[] {
    return this.#manifest.epochs;
  }

  /** Drops segment files the manifest does not name; checks and trims those it does. */
  async #recover(): Promise<void> {
    const named = new Set<string>();
    for (const e of this.#manifest.epochs) {
      for (const p of e.partitions) {
        named.add(p.file);
        const path = join(this.dir, p.file);
        const size = await stat(path).then(
          (s) => s.size,
          () => -1,
        );
        // Its data was fsynced before the manifest named it, unless fsync is 'never' and the machine crashed.
        if (size < p.bytes) {
          throw new StreamFailedError(this.streamId, `the stream log lost data: ${path} holds ${Math.max(0, size)} of the ${p.bytes} bytes its manifest recorded for epoch ${e.epoch}`);
        }
        if (size > p.bytes) await truncate(path, p.bytes); // a torn tail past what was committed
      }
    }
    // Only files of the log's own naming: anything else in the directory is none of its business.
    for (const file of await readdir(this.dir)) {
      if (SEGMENT.test(file) && !named.has(file)) await rm(join(this.dir, file), { force: true });
    }
  }

  /** The segment file a partition attempt's frames are written to. */
  writer(epoch: number, partition: number, attempt: number): SegmentWriter {
    return new SegmentWriter(join(this.dir, `f-${epoch}-${partition}-${attempt}-${this.#run}.seg`), this.streamId, { eagerSync: this.fsync === 'epoch' });
  }

  /** Whether every record is fsynced as it is written. */
  get syncEachRecord(): boolean {
    return this.fsync === 'always';
  }

  /**
   * Records a Spark epoch as delivered, its data being the committed attempts' files: those are
   * made durable first (per the fsync policy), then the manifest names them. From then on the
   * epoch survives a crash and its replay by Spark is answered as a duplicate.
   */
  async commitEpoch(epoch: number, committed: readonly CommittedAttempt[]): Promise<LoggedEpoch> {
    const sync = this.fsync !== 'never';
    await Promise.all(committed.map((c) => c.writer.close(sync)));
    const partitions = committed
      .filter((c) => c.writer.records.length > 0)
      .map((c): LoggedPartition => ({
        partition: c.partition,
        file: c.writer.path.slice(this.dir.length + 1),
        bytes: c.writer.bytes,
        records: c.writer.records.length,
        rows: c.writer.rows,
        payloadBytes: c.writer.payloadBytes,
      }))
      .sort((a, b) => a.partition - b.partition);
    // The new files' directory entries must be durable before the manifest names them.
    if (sync && partitions.length > 0) await syncDir(this.dir);
    const logged: LoggedEpoch = { epoch, partitions };
    await this.#update((m) => ({
      ...m,
      lastEpoch: Math.max(m.lastEpoch, epoch),
      epochs: partitions.length > 0 ? [...m.epochs, logged] : m.epochs,
    }));
    return logged;
  }

  /**
   * Every epoch up to `epoch` was processed by every consumer: out of the manifest, then its
   * files removed. Only an 'always' log fsyncs this: a lost acknowledgement means an epoch comes
   * again, never that one is lost.
   */
  async acknowledge(epoch: number): Promise<void> {
    if (epoch <= this.#manifest.ackedEpoch) return;
    let dropped: readonly LoggedEpoch[] = [];
    await this.#update(
      (m) => {
        dropped = m.epochs.filter((e) => e.epoch <= epoch);
        return { ...m, ackedEpoch: Math.max(m.ackedEpoch, epoch), epochs: m.epochs.filter((e) => e.epoch > epoch) };
      },
      this.fsync === 'always',
    );
    for (const e of dropped) for (const p of e.partitions) await rm(join(this.dir, p.file), { force: true });
  }

  /** The coordinator entries of a logged epoch, read from its files when consumers take them. */
  async entries(logged: LoggedEpoch, schema?: Schema): Promise<PartitionEntry[]> {
    const first = logged.partitions[0];
    if (!first) return [];
    const s = schema ?? (await this.#schemaOf(first));
    return logged.partitions.map((p) =>
      storedEntry(
        p.partition,
        segmentEntry({ path: join(this.dir, p.file), count: p.records, bytes: p.bytes, rows: p.rows, payloadBytes: p.payloadBytes }, s, this.streamId),
      ),
    );
  }

  async #schemaOf(p: LoggedPartition): Promise<Schema> {
    const path = join(this.dir, p.file);
    const file = await open(path, 'r');
    try {
      const [ref] = (await scanRecords(file, { limit: p.bytes })).records;
      const payload = ref && (await readPayload(file, ref));
      if (!payload) throw new StreamFailedError(this.streamId, `the stream's data in ${path} is unreadable: its first record is torn or corrupt`);
      return tableFromIPC(payload).schema;
    } finally {
      await file.close();
    }
  }

  /** Manifest updates one at a time, each from the state the previous one left. */
  #update(change: (m: ForwardManifest) => ForwardManifest, durable = this.fsync !== 'never'): Promise<void> {
    const run = this.#writes.then(async () => {
      if (this.#closed) throw new StreamFailedError(this.streamId, 'the stream log was closed');
      const next = change(this.#manifest);
      await writeManifest(this.dir, next, durable);
      this.#manifest = next;
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }

  /** Waits for manifest writes under way, then lets the directory go (another run may open it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#writes;
    this.#closed = true;
    await this.#unlock();
  }
}

const SEGMENT = /^f-\d+-\d+-\d+-[0-9a-f]+\.seg$/;

function emptyManifest(streamId: string): ForwardManifest {
  return { version: 1, kind: 'forward', streamId, lastEpoch: -1, ackedEpoch: -1, epochs: [] };
}

function checkManifest(found: Record<string, unknown>, dir: string, name: string): ForwardManifest {
  const m = found as Partial<ForwardManifest>;
  if (typeof m.lastEpoch !== 'number' || typeof m.ackedEpoch !== 'number' || !Array.isArray(m.epochs)) {
    throw new InvalidArgumentError(`${name}.dir: ${dir} holds a malformed manifest`);
  }
  return m as ForwardManifest;
}
