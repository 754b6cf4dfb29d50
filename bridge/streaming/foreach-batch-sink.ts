import { AsyncLocalStorage } from 'node:async_hooks';
import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { ForeachBatchFailedError, ProtocolError, StreamClosedError } from '../../runtime/base/index.js';
import type { ForeachBatchFunction } from '../connect/index.js';
import { MemoryEpochLedger, type CommitResult, type CommittedPartition, type EpochLedger, type SinkTarget } from '../endpoint/index.js';
import { decodePayload } from './decode-payload.js';

/** The sink whose handler the current code runs in: `query.stop()` from a handler must not wait for that very call. */
const insideHandler = new AsyncLocalStorage<ForeachBatchSink>();

/** One task attempt's staged data. */
interface Attempt {
  /** DATA frames staged, checked against the count the commit names. */
  frames: number;
  batches: RecordBatch[];
}

/**
 * The forward path's target for foreachBatch. Spark's tasks stage an epoch's Arrow IPC per
 * (partition, attempt); the driver's commit hands the committed attempts' rows to the handler as
 * one Table, in partition order, and waits for it: Spark's commit of the epoch completes only
 * once the handler has, so a rejection fails that commit and the query with it, and epochs reach
 * the handler one at a time, in order (the endpoint runs a stream's commits one at a time).
 *
 * No coordinator: the handler is the only reader, and Spark plans nothing further while its
 * commit waits, so one epoch is held at a time. The epoch goes into the ledger once the handler
 * resolved, never before: an epoch whose handler failed comes again when Spark replays it (a
 * query restarted on its checkpoint), one it finished never does.
 */
export class ForeachBatchSink implements SinkTarget {
  readonly ledger: EpochLedger;
  readonly #streamId: string;
  readonly #handler: ForeachBatchFunction;
  readonly #emptyBatch: () => Promise<Table>;
  readonly #epochs = new Map<number, Map<string, Attempt>>();
  /** The newest epoch a commit took: frames for it or an earlier one are a late attempt's. */
  #taken: number;
  /** The stream's schema as its data showed it, for an epoch with no rows. */
  #schema: Schema | undefined;
  #askedSchema: Promise<Schema> | undefined;
  /** The handler call in progress (settled, never rejecting), which close() waits for. */
  #running: Promise<void> = Promise.resolve();
  #closed = false;

  /**
   * `emptyBatch` asks Spark for a table of no rows with the query's schema: an epoch with no rows
   * carries no schema (its tasks send nothing). `ledger` holds the epochs an earlier run on the
   * same checkpoint delivered.
   */
  constructor(streamId: string, handler: ForeachBatchFunction, emptyBatch: () => Promise<Table>, ledger: EpochLedger = new MemoryEpochLedger()) {
    this.#streamId = streamId;
    this.#handler = handler;
    this.#emptyBatch = emptyBatch;
    this.ledger = ledger;
    this.#taken = ledger.lastCommitted;
  }

  async stage(epoch: number, partition: number, attempt: number, ipc: Uint8Array): Promise<void> {
    if (epoch <= this.#taken || this.#closed) return; // a late attempt's, or nothing will be committed any more
    const batches = decodePayload(ipc); // checked on arrival, so a bad payload fails its task, not the commit
    let attempts = this.#epochs.get(epoch);
    if (!attempts) this.#epochs.set(epoch, (attempts = new Map()));
    const key = `${partition}:${attempt}`;
    let staged = attempts.get(key);
    if (!staged) attempts.set(key, (staged = { frames: 0, batches: [] }));
    staged.frames++;
    for (const batch of batches) staged.batches.push(batch);
  }

  async commitEpoch(epoch: number, partitions: readonly CommittedPartition[]): Promise<CommitResult> {
    if (this.#closed) throw new StreamClosedError(this.#streamId); // the query is stopping: Spark replays the epoch on a restart
    const attempts = this.#epochs.get(epoch) ?? new Map<string, Attempt>();
    // Checked before anything is taken: a refused commit leaves the epoch staged, as it was.
    for (const p of partitions) {
      const frames = attempts.get(`${p.partition}:${p.attempt}`)?.frames ?? 0;
      if (frames !== p.batches) {
        throw new ProtocolError(`COMMIT of epoch ${epoch} names ${p.batches} batches for partition ${p.partition} (attempt ${p.attempt}), but ${frames} were staged`);
      }
    }
    this.#taken = Math.max(this.#taken, epoch);
    // This epoch's other attempts (retried or speculative tasks), and leftovers of aborted epochs, go.
    for (const e of this.#epochs.keys()) if (e <= epoch) this.#epochs.delete(e);
    // The commit lists partitions in partition order.
    const batches = partitions.flatMap((p) => attempts.get(`${p.partition}:${p.attempt}`)?.batches ?? []);
    this.#schema ??= batches[0]?.schema;
    const batch = batches.length > 0 ? new Table(batches) : new Table(await this.#schemaForEmpty());
    if (this.#closed) throw new StreamClosedError(this.#streamId); // stopped while Spark was asked for the schema
    const call = insideHandler.run(this, async () => this.#handler(batch, epoch)); // a synchronous throw rejects it too
    this.#running = call.then(
      () => undefined,
      () => undefined,
    );
    try {
      await call;
    } catch (err) {
      throw new ForeachBatchFailedError(epoch, err);
    }
    this.ledger.commit(epoch);
    return { duplicate: false, batchId: epoch };
  }

  async abortEpoch(epoch: number): Promise<void> {
    this.#epochs.delete(epoch);
  }

  /** Whether the code running now is one of this sink's handler calls. */
  callingHandler(): boolean {
    return insideHandler.getStore() === this;
  }

  /** Nothing reaches the handler after this; resolves once a call in progress has settled. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#epochs.clear();
    await this.#running;
  }

  #schemaForEmpty(): Promise<Schema> {
    if (this.#schema) return Promise.resolve(this.#schema);
    // Asked once; a failed ask is asked again at the next empty epoch.
    this.#askedSchema ??= this.#emptyBatch().then(
      (table) => table.schema,
      (err: unknown) => {
        this.#askedSchema = undefined;
        throw err;
      },
    );
    return this.#askedSchema;
  }
}
