import type { RecordBatch, Schema, Table } from 'apache-arrow';
import type { EpochLedger } from './epoch-ledger.js';

/** One Spark partition of a committed epoch: which task attempt's data to publish, and how much. */
export interface CommittedPartition {
  readonly partition: number;
  /** Spark's task attempt id (unique in the application; the attempt number is not). */
  readonly attempt: number;
  readonly rows: number;
  readonly batches: number;
}

/** What publishing an epoch produced: the coordinator batch id, or that it was already published. */
export type CommitResult =
  | { readonly duplicate: false; readonly batchId: number }
  | { readonly duplicate: true };

/**
 * What the endpoint calls for a forward (Spark -> Node) stream. Implemented over the stream's
 * coordinator by the integrator.
 */
export interface SinkTarget {
  /**
   * The stream's record of delivered epochs. The endpoint reads it: data and commits of an
   * epoch it holds are answered as duplicates and never reach the target again.
   */
  readonly ledger: EpochLedger;
  /**
   * Holds one Arrow IPC stream (a complete, self-contained stream in its own ArrayBuffer at
   * offset 0) for an epoch's partition attempt, until commitEpoch names the attempt to publish.
   * Stay pending while the stream is full: the endpoint stops reading that socket meanwhile, so
   * TCP backpressure reaches the Spark executor.
   */
  stage(epoch: number, partition: number, attempt: number, ipc: Uint8Array): Promise<void>;
  /**
   * Publishes the epoch, one entry per partition in partition order, each the staged data of the
   * named attempt (a partition with `batches: 0` may have staged nothing); drops other attempts.
   * Records the epoch in `ledger` once it is published (a refused commit, or a publish the
   * stream refuses, records nothing, so Spark's replay of it is delivered).
   * The endpoint calls it at most once per epoch (it answers repeats as duplicates itself), one
   * commit at a time per stream.
   */
  commitEpoch(epoch: number, partitions: readonly CommittedPartition[]): Promise<CommitResult>;
  /** Drops everything staged for the epoch (Spark aborted it). */
  abortEpoch(epoch: number): Promise<void>;
}

/** The newest batch a source stream holds. */
export interface LatestBatch {
  /** The newest batch id available, -1 when none yet. */
  readonly batchId: number;
  /** The producer has ended: no batch after batchId will come. */
  readonly complete: boolean;
}

/** A batch's data for Spark: Arrow objects (the endpoint serializes them) or IPC stream bytes. */
export type SourcePayload = Table | RecordBatch | Uint8Array;

/**
 * What the endpoint calls for a reverse (Node -> Spark) stream. Implemented over the stream's
 * coordinator by the integrator; Spark's reader is one consumer of it.
 */
export interface SourceTarget {
  /**
   * The stream's incarnation: an id of this stream's life, different for a stream created anew
   * under the same id ([A-Za-z0-9_-], at most 64). Spark's offsets carry it, so a query restarted
   * on a checkpoint of another incarnation fails instead of skipping batches. Without one, Spark
   * cannot tell them apart.
   */
  readonly incarnation?: string;
  /** The stream's Arrow schema; may wait for the first batch. */
  schema(): Promise<Schema>;
  latest(): Promise<LatestBatch>;
  /**
   * The data of one batch id. Throw BatchCollectedError (code DRLS_BATCH_COLLECTED) when it is no
   * longer held: the Spark query then fails with that message, never silently skipping data.
   */
  fetch(batchId: number): Promise<readonly SourcePayload[]>;
  /** Spark has committed every batch <= batchId: they may be freed. */
  commit(batchId: number): Promise<void>;
}
