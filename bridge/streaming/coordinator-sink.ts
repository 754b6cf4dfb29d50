import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import { ProtocolError, errorMessage } from '../../runtime/base/index.js';
import { publishReserved, releaseReserved, reserve, type StreamCoordinator } from '../../actors/stream-coordinator.js';
import { MemoryEpochLedger, type CommitResult, type CommittedPartition, type EpochLedger, type SinkTarget } from '../endpoint/index.js';

interface Staged {
  bytes: number;
  /** DATA frames staged, checked against the count the commit names. */
  frames: number;
  readonly batches: RecordBatch[];
}

/**
 * The forward path's target: Spark tasks stage Arrow IPC for (epoch, partition, attempt);
 * the driver's commit publishes the epoch as one micro-batch, one entry per Spark partition,
 * taken from the committed attempts only. Staging reserves room in the coordinator first,
 * so a full coordinator stops the endpoint reading, and TCP pushes back on the executors.
 */
export class CoordinatorSink implements SinkTarget {
  readonly #coordinator: StreamCoordinator;
  readonly #epochs = new Map<number, Map<string, Staged>>();
  readonly ledger: EpochLedger;
  /**
   * The newest epoch whose data a commit has taken, published or not yet: frames arriving for it
   * or an earlier one are a late attempt's and are dropped. Apart from the ledger, which records
   * an epoch only once it is published: an epoch whose publish is refused (the stream stopped)
   * must be delivered when Spark replays it, not answered as a duplicate.
   */
  #taken: number;

  /** `ledger` holds the epochs already delivered (by an earlier run on the same checkpoint). */
  constructor(coordinator: StreamCoordinator, ledger: EpochLedger = new MemoryEpochLedger()) {
    this.#coordinator = coordinator;
    this.ledger = ledger;
    this.#taken = ledger.lastCommitted;
  }

  async stage(epoch: number, partition: number, attempt: number, ipc: Uint8Array): Promise<void> {
    // Epochs commit in order: data for one already taken is a late attempt's.
    if (epoch <= this.#taken) return; // never published, so not decoded
    // Decoded on arrival, while Spark's tasks still run: the driver's commit then only
    // publishes, and its wait is not Node decoding a whole epoch while the executors idle.
    const batches = decode(ipc);
    await reserve(this.#coordinator, ipc.byteLength);
    if (epoch <= this.#taken) {
      // The epoch committed while this frame waited for room (a speculative or zombie attempt):
      // keeping it would hold its reservation for ever.
      await releaseReserved(this.#coordinator, ipc.byteLength);
      return;
    }
    let attempts = this.#epochs.get(epoch);
    if (!attempts) this.#epochs.set(epoch, (attempts = new Map()));
    const key = `${partition}:${attempt}`;
    let staged = attempts.get(key);
    if (!staged) attempts.set(key, (staged = { bytes: 0, frames: 0, batches: [] }));
    staged.bytes += ipc.byteLength;
    staged.frames++;
    for (const batch of batches) staged.batches.push(batch);
  }

  async commitEpoch(epoch: number, partitions: readonly CommittedPartition[]): Promise<CommitResult> {
    const attempts = this.#epochs.get(epoch) ?? new Map<string, Staged>();
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
    const width = partitions.reduce((w, p) => Math.max(w, p.partition + 1), 0);
    const entries: RecordBatch[][] = Array.from({ length: width }, () => []);
    let reserved = 0;
    for (const p of partitions) {
      const key = `${p.partition}:${p.attempt}`;
      const staged = attempts.get(key);
      attempts.delete(key);
      if (!staged) continue;
      reserved += staged.bytes;
      for (const batch of staged.batches) entries[p.partition]!.push(batch);
    }
    const any = entries.some((batches) => batches.length > 0);
    // Attempts Spark did not commit (retried or speculative tasks) are dropped here, and so is
    // the reservation of a commit with nothing to publish.
    let unpublished = any ? 0 : reserved;
    for (const staged of attempts.values()) unpublished += staged.bytes;
    if (unpublished > 0) await releaseReserved(this.#coordinator, unpublished);
    const batchId = any ? await publishReserved(this.#coordinator, { partitions: entries }, reserved) : -1;
    // Delivered only now: a refused publish (a stopped or failed stream) leaves the epoch to Spark's replay.
    this.ledger.commit(epoch);
    return { duplicate: false, batchId };
  }

  async abortEpoch(epoch: number): Promise<void> {
    const attempts = this.#epochs.get(epoch);
    this.#epochs.delete(epoch);
    if (!attempts) return;
    let bytes = 0;
    for (const staged of attempts.values()) bytes += staged.bytes;
    if (bytes > 0) await releaseReserved(this.#coordinator, bytes);
  }
}

function decode(ipc: Uint8Array): RecordBatch[] {
  let batches: RecordBatch[];
  try {
    batches = tableFromIPC(ipc).batches;
  } catch (err) {
    throw new ProtocolError(`DATA payload is not a readable Arrow IPC stream: ${errorMessage(err)}`, { cause: err });
  }
  // Arrow JS reads a stream with no schema or no batch as an empty table: refused, not staged.
  if (batches.length === 0) throw new ProtocolError(`DATA payload of ${ipc.byteLength} bytes holds no record batch`);
  return batches;
}
