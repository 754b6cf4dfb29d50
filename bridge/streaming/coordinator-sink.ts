import type { RecordBatch, Schema } from 'apache-arrow';
import { ProtocolError } from '../../runtime/base/index.js';
import { publishEntries, releaseReserved, reserveOrSpill, type StreamCoordinator } from '../../actors/stream-coordinator.js';
import { storedEntry, storedOf, type PartitionEntry } from '../../actors/stream-coordinator-protocol.js';
import { MemoryEpochLedger, type CommitResult, type CommittedPartition, type EpochLedger, type SinkTarget } from '../endpoint/index.js';
import type { ForwardLog } from './stream-log/forward-log.js';
import { segmentEntry } from './stream-log/segment-entry.js';
import type { SegmentWriter } from './stream-log/segment-writer.js';
import { SpillDir } from './stream-log/spill-dir.js';
import { decodePayload } from './decode-payload.js';

interface Staged {
  /** Bytes reserved in the coordinator for the batches below (0 once the epoch spilled). */
  bytes: number;
  /** DATA frames staged, checked against the count the commit names. */
  frames: number;
  /** The decoded batches, while the epoch is held in memory. */
  batches: RecordBatch[];
  /** Their payloads, kept (they share the batches' buffers) so a spill without a log can write them out. */
  payloads: { ipc: Uint8Array; rows: number }[];
  schema: Schema | undefined;
  /** Its segment file in the log, if there is one. */
  writer: SegmentWriter | undefined;
  /** Its file in the spill directory, made when a stream without a log spills the epoch. */
  spillWriter: Promise<SegmentWriter> | undefined;
}

interface EpochStaging {
  readonly attempts: Map<string, Staged>;
  /** The epoch outgrew the memory it could have: all of it goes to disk, read back when consumed. */
  spilled: boolean;
}

/** What the sink does on disk, if anything. */
export interface SinkStorage {
  /** The stream log: every frame written, each epoch durable before Spark's commit is answered. */
  readonly log?: ForwardLog | undefined;
}

/**
 * The forward path's target: Spark tasks stage Arrow IPC for (epoch, partition, attempt);
 * the driver's commit publishes the epoch as one micro-batch, one entry per Spark partition,
 * taken from the committed attempts only. Staging reserves room in the coordinator first,
 * so a full coordinator stops the endpoint reading, and TCP pushes back on the executors.
 * An epoch that outgrows the coordinator's memory while nothing published is buffered (so
 * waiting could not make room) spills: its frames go to disk (the log's directory, or a
 * temporary one), and its micro-batch is read back as consumers take it.
 */
export class CoordinatorSink implements SinkTarget {
  readonly #coordinator: StreamCoordinator;
  readonly #epochs = new Map<number, EpochStaging>();
  readonly #log: ForwardLog | undefined;
  readonly #spill: SpillDir;
  /** Published batch ids and their epochs, oldest first, until acknowledged. */
  readonly #delivered: { batchId: number; epoch: number; writers: SegmentWriter[] }[] = [];
  #ready: Promise<unknown> = Promise.resolve();
  readonly ledger: EpochLedger;
  /**
   * The newest epoch whose data a commit has taken, published or not yet: frames arriving for it
   * or an earlier one are a late attempt's and are dropped. Apart from an in-memory ledger, which
   * records an epoch only once it is published: an epoch whose publish is refused (the stream
   * stopped) must be delivered when Spark replays it, not answered as a duplicate. (A log's
   * ledger records it when its data is durable: the log delivers it to the next stream instead.)
   */
  #taken: number;

  /** `ledger` holds the epochs already delivered (by an earlier run on the same checkpoint); a log brings its own. */
  constructor(coordinator: StreamCoordinator, ledger: EpochLedger = new MemoryEpochLedger(), storage: SinkStorage = {}) {
    this.#coordinator = coordinator;
    this.#log = storage.log;
    this.ledger = storage.log?.ledger ?? ledger;
    this.#spill = new SpillDir(coordinator.streamId);
    this.#taken = this.ledger.lastCommitted;
  }

  /**
   * Publishes the log's epochs no consumer acknowledged (a run before this one delivered them),
   * oldest first, each with its epoch id and read from disk when taken. Resolves once they are
   * all queued in the coordinator (so a stream completed after that still delivers them); the
   * promise it gives resolves once they are all admitted. Spark's new epochs wait for that.
   */
  async replayLog(): Promise<{ admitted: Promise<void> }> {
    const log = this.#log;
    if (!log) return { admitted: Promise.resolve() };
    const replay: { epoch: number; entries: PartitionEntry[] }[] = [];
    let schema: Schema | undefined; // one stream, one schema: read from the first epoch only
    for (const logged of log.pending) {
      const entries = await log.entries(logged, schema);
      schema ??= entries.map((e) => storedOf(e)?.schema).find((s) => s !== undefined);
      if (entries.length > 0) replay.push({ epoch: logged.epoch, entries });
    }
    // Sent together, with nothing awaited between: the coordinator queues them in this order.
    const admitted = Promise.all(
      replay.map(async ({ epoch, entries }) => {
        const batchId = await publishEntries(this.#coordinator, entries, { epoch });
        this.#delivered.push({ batchId, epoch, writers: [] });
      }),
    ).then(() => undefined);
    this.#ready = admitted.catch(() => undefined);
    return { admitted };
  }

  async stage(epoch: number, partition: number, attempt: number, ipc: Uint8Array): Promise<void> {
    // Epochs commit in order: data for one already taken is a late attempt's.
    if (epoch <= this.#taken) return; // never published, so not decoded
    await this.#ready;
    // Decoded on arrival, while Spark's tasks still run: the driver's commit then only
    // publishes, and its wait is not Node decoding a whole epoch while the executors idle.
    const batches = decodePayload(ipc);
    const rows = batches.reduce((n, b) => n + b.numRows, 0);
    let staging = this.#epochs.get(epoch);
    if (!staging) this.#epochs.set(epoch, (staging = { attempts: new Map(), spilled: false }));
    const key = `${partition}:${attempt}`;
    let staged = staging.attempts.get(key);
    if (!staged) {
      staged = { bytes: 0, frames: 0, batches: [], payloads: [], schema: undefined, writer: this.#log?.writer(epoch, partition, attempt), spillWriter: undefined };
      staging.attempts.set(key, staged);
    }
    staged.schema ??= batches[0]!.schema;
    // Written to the log first, whatever happens in memory: the commit makes it durable.
    const written = staged.writer?.append(ipc, rows, this.#log?.syncEachRecord);
    written?.catch(() => undefined); // awaited below on every path that goes on; a failed stream may not
    if (!staging.spilled) {
      const room = await reserveOrSpill(this.#coordinator, ipc.byteLength);
      if (epoch <= this.#taken) {
        // The epoch committed while this frame waited for room (a speculative or zombie attempt):
        // keeping it would hold its reservation for ever.
        if (room === 'memory') await releaseReserved(this.#coordinator, ipc.byteLength);
        await written;
        return;
      }
      if (room === 'memory' && !staging.spilled) {
        staged.bytes += ipc.byteLength;
        staged.frames++;
        for (const batch of batches) staged.batches.push(batch);
        if (!this.#log) staged.payloads.push({ ipc, rows });
        await written;
        return;
      }
      if (room === 'memory') await releaseReserved(this.#coordinator, ipc.byteLength); // spilled meanwhile
      if (!staging.spilled) await this.#spillEpoch(epoch, staging);
    }
    staged.frames++;
    if (!this.#log) await (await this.#spillWriter(staged, epoch, partition, attempt)).append(ipc, rows);
    await written;
  }

  /**
   * Moves an epoch out of memory: its reservations are given back and its batches dropped; without
   * a log, what it staged so far is written out first. Synchronous up to its first wait, so each
   * attempt's earlier frames are queued on its file ahead of any frame arriving after.
   */
  async #spillEpoch(epoch: number, staging: EpochStaging): Promise<void> {
    staging.spilled = true;
    let bytes = 0;
    const writes: Promise<unknown>[] = [];
    for (const [key, staged] of staging.attempts) {
      bytes += staged.bytes;
      staged.bytes = 0;
      staged.batches = [];
      const payloads = staged.payloads;
      staged.payloads = [];
      if (this.#log || payloads.length === 0) continue;
      const [partition, attempt] = key.split(':').map(Number) as [number, number];
      // Reactions to one promise run in the order they were added: these appends come first.
      writes.push(this.#spillWriter(staged, epoch, partition, attempt).then((w) => Promise.all(payloads.map((p) => w.append(p.ipc, p.rows)))));
    }
    if (bytes > 0) await releaseReserved(this.#coordinator, bytes);
    await Promise.all(writes);
  }

  /** The attempt's spill file, one per attempt however many frames ask at once. */
  #spillWriter(staged: Staged, epoch: number, partition: number, attempt: number): Promise<SegmentWriter> {
    return (staged.spillWriter ??= this.#spill.writer(epoch, partition, attempt));
  }

  async commitEpoch(epoch: number, partitions: readonly CommittedPartition[]): Promise<CommitResult> {
    const staging = this.#epochs.get(epoch) ?? { attempts: new Map<string, Staged>(), spilled: false };
    const attempts = staging.attempts;
    // Checked before anything is taken: a refused commit leaves the epoch staged, as it was.
    for (const p of partitions) {
      const frames = attempts.get(`${p.partition}:${p.attempt}`)?.frames ?? 0;
      if (frames !== p.batches) {
        throw new ProtocolError(`COMMIT of epoch ${epoch} names ${p.batches} batches for partition ${p.partition} (attempt ${p.attempt}), but ${frames} were staged`);
      }
    }
    this.#epochs.delete(epoch);
    // Frames arriving while this epoch publishes are a late attempt's: dropped.
    this.#taken = Math.max(this.#taken, epoch);
    const committed: { partition: number; staged: Staged }[] = [];
    for (const p of partitions) {
      const key = `${p.partition}:${p.attempt}`;
      const staged = attempts.get(key);
      attempts.delete(key);
      if (staged) committed.push({ partition: p.partition, staged });
    }
    // Attempts Spark did not commit (retried or speculative tasks) are dropped here.
    let unpublished = 0;
    for (const staged of attempts.values()) {
      unpublished += staged.bytes;
      void discard(staged);
    }
    let reserved = committed.reduce((n, c) => n + c.staged.bytes, 0);
    const withData = committed.filter((c) => c.staged.frames > 0);
    if (withData.length === 0) {
      unpublished += reserved; // nothing to publish: its reservation goes too
      reserved = 0;
    }
    if (unpublished > 0) await releaseReserved(this.#coordinator, unpublished);
    // Durable before anything can acknowledge it to Spark: from here a crash delivers it from the log.
    if (this.#log) await this.#log.commitEpoch(epoch, committed.filter((c) => c.staged.writer).map((c) => ({ partition: c.partition, writer: c.staged.writer! })));
    if (withData.length === 0) {
      this.ledger.commit(epoch);
      return { duplicate: false, batchId: -1 };
    }
    const entries = await this.#entries(staging.spilled, withData);
    const spillFiles = this.#log ? [] : await Promise.all(withData.flatMap((c) => (c.staged.spillWriter ? [c.staged.spillWriter] : [])));
    const batchId = await publishEntries(this.#coordinator, entries, { reservedBytes: reserved, epoch });
    this.#delivered.push({ batchId, epoch, writers: spillFiles });
    // Delivered only now: a refused publish (a stopped or failed stream) leaves the epoch to Spark's replay.
    this.ledger.commit(epoch);
    return { duplicate: false, batchId };
  }

  /** One entry per Spark partition, in partition order: in memory, or read from disk when taken. */
  async #entries(spilled: boolean, committed: readonly { partition: number; staged: Staged }[]): Promise<PartitionEntry[]> {
    const width = committed.reduce((w, c) => Math.max(w, c.partition + 1), 0);
    const entries: PartitionEntry[] = Array.from({ length: width }, (_, partition) => ({ partition, batches: [] }));
    for (const { partition, staged } of committed) {
      if (!spilled) {
        entries[partition] = { partition, batches: staged.batches };
        continue;
      }
      const writer = staged.writer ?? (await staged.spillWriter!);
      await writer.close();
      const slice = { path: writer.path, records: writer.records, count: writer.records.length, bytes: writer.bytes, rows: writer.rows, payloadBytes: writer.payloadBytes };
      entries[partition] = storedEntry(partition, segmentEntry(slice, staged.schema!, this.#coordinator.streamId));
    }
    return entries;
  }

  async abortEpoch(epoch: number): Promise<void> {
    const staging = this.#epochs.get(epoch);
    this.#epochs.delete(epoch);
    if (!staging) return;
    let bytes = 0;
    for (const staged of staging.attempts.values()) {
      bytes += staged.bytes;
      void discard(staged);
    }
    if (bytes > 0) await releaseReserved(this.#coordinator, bytes);
  }

  /**
   * Every consumer acknowledged every batch up to `throughBatchId`: the log records their epochs
   * as done (and drops their files); spilled files of a stream without a log go.
   */
  acknowledged(throughBatchId: number): Promise<void> {
    let epoch = -1;
    const files: SegmentWriter[] = [];
    while (this.#delivered.length > 0 && this.#delivered[0]!.batchId <= throughBatchId) {
      const d = this.#delivered.shift()!;
      epoch = d.epoch;
      files.push(...d.writers);
    }
    const removed = Promise.all(files.map((w) => w.discard())).then(() => undefined);
    if (!this.#log || epoch < 0) return removed;
    return Promise.all([removed, this.#log.acknowledge(epoch)]).then(() => undefined);
  }

  /** Removes the spill directory (the stream has ended). The log is its owner's to close. */
  async close(): Promise<void> {
    for (const staging of this.#epochs.values()) for (const staged of staging.attempts.values()) void discard(staged);
    await this.#spill.remove();
  }
}

/** Drops an attempt's files: Spark did not commit it. */
async function discard(staged: Staged): Promise<void> {
  await staged.writer?.discard();
  await (await staged.spillWriter?.catch(() => undefined))?.discard();
}
