import type { RecordBatch, Schema } from 'apache-arrow';
import type { Reply } from '../runtime/index.js';

/** One partition's share of a micro-batch. */
export interface PartitionEntry {
  readonly partition: number;
  readonly batches: readonly RecordBatch[];
}

/** A micro-batch: one entry per partition (per Spark partition on the forward path). */
export interface MicroBatch {
  readonly batchId: number;
  /**
   * The Spark epoch (micro-batch id) it came from on the forward path, so a consumer that
   * restarted on a stream log can tell, and drop, what it already did; null for data published
   * in Node.
   */
  readonly epoch: number | null;
  readonly partitions: readonly PartitionEntry[];
  readonly schema: Schema;
  readonly numRows: number;
  readonly numBytes: number;
  /** Epoch milliseconds when the coordinator accepted it. */
  readonly timestamp: number;
  readonly watermark: number | null;
}

export type PullResult =
  | { readonly kind: 'batch'; readonly batch: MicroBatch }
  | { readonly kind: 'end' }
  | { readonly kind: 'timeout' };

/**
 * `pullMany`: up to `maxBatches` micro-batches ready now, and past the first no more than
 * `maxBytes` in all (at least one, or the end, or a timeout). They stay counted in the
 * buffer, and so under its limits, until the consumer's next pull: taking several at once
 * never lets more data into memory.
 */
export type PullManyResult =
  | { readonly kind: 'batches'; readonly batches: readonly MicroBatch[] }
  | { readonly kind: 'end' }
  | { readonly kind: 'timeout' };

export interface RegisterResult {
  readonly consumerId: string;
  /** The stream's schema, or null when it ended before any batch. */
  readonly schema: Schema | null;
  readonly numPartitions: number;
  /** The first batch id this consumer will receive. */
  readonly startBatchId: number;
}

/** `getStats()`: the original's keys in camelCase, plus rows, bytes and stall visibility. */
export interface CoordinatorStats {
  readonly streamId: string;
  readonly batchesPublished: number;
  readonly batchesGc: number;
  readonly bufferSize: number;
  readonly maxBuffered: number;
  readonly bufferedBytes: number;
  readonly maxBufferedBytes: number;
  readonly numConsumers: number;
  readonly consumerCursors: Readonly<Record<string, number>>;
  readonly complete: boolean;
  /** Why the stream failed (the reason alone, without `stream "<id>" failed:`), null while it has not. */
  readonly error: string | null;
  readonly latestWatermark: number | null;
  readonly rowsPublished: number;
  readonly bytesPublished: number;
  readonly rowsBuffered: number;
  /** Publishes waiting for room. */
  readonly pendingPublishes: number;
  /** Bytes reserved for data still being staged (a Spark epoch in flight). */
  readonly reservedBytes: number;
  /** Buffered micro-batches whose data is on disk (a spilled epoch, or replayed from a stream log), read when taken. */
  readonly storedBatches: number;
  /** A producer is blocked and no consumer is registered to make room: the original's silent stall. */
  readonly waitingForConsumers: boolean;
  readonly latestBatchId: number;
}

export interface PublishRequest {
  /** One entry per partition, in partition order; stored entries (see StoredEntry) among them. */
  readonly entries: readonly PartitionEntry[];
  readonly watermark: number | null;
  /** Bytes this data had reserved while staged; released as it is published. */
  readonly reservedBytes?: number;
  /** The Spark epoch it came from (forward path). */
  readonly epoch?: number | null;
  /**
   * The batch id it must get (a stream log's position): refused when the coordinator would
   * number it otherwise, since a log and its coordinator must never disagree on what a batch id is.
   */
  readonly batchId?: number;
}

/** A reservation's answer: room in memory, or none to be had: the data goes to disk instead. */
export type Reservation = 'memory' | 'spill';

/**
 * @internal A partition entry whose record batches are not in memory (an epoch spilled to disk,
 * or replayed from a stream log): its Arrow IPC payloads are read when a consumer takes it, so
 * a published micro-batch never brings a whole spilled epoch back into memory at once.
 */
export interface StoredEntry {
  /** The stream's schema (every payload's). */
  readonly schema: Schema;
  readonly numRows: number;
  /** Bytes of its payloads: about what its batches take once read. */
  readonly numBytes: number;
  /** Its payloads in order, each one complete Arrow IPC stream in a buffer of its own, read one at a time. */
  payloads(): AsyncIterable<Uint8Array>;
}

// Kept beside the entry rather than on it: a stored entry is a plain PartitionEntry (with no
// batches) to everything that does not read it.
const storedEntries = new WeakMap<PartitionEntry, StoredEntry>();

/** @internal A partition entry whose batches are read from `stored` when taken. */
export function storedEntry(partition: number, stored: StoredEntry): PartitionEntry {
  const entry: PartitionEntry = { partition, batches: [] };
  storedEntries.set(entry, stored);
  return entry;
}

/** @internal What a stored entry reads from; undefined for an entry in memory. */
export function storedOf(entry: PartitionEntry): StoredEntry | undefined {
  return storedEntries.get(entry);
}

/** The coordinator actor's protocol. */
export type CoordinatorMessage =
  | { type: 'publish'; request: PublishRequest; reply: Reply<number> }
  | {
      type: 'register';
      consumerId: string | undefined;
      partitions: PartitionSelector | undefined;
      startBatchId: number | undefined;
      registration: string | undefined;
      reply: Reply<RegisterResult>;
    }
  | { type: 'unregister'; consumerId: string; registration: string | undefined; reply: Reply<void> }
  | { type: 'pull'; consumerId: string; timeoutMs: number | undefined; reply: Reply<PullResult> }
  | {
      type: 'pullMany';
      consumerId: string;
      maxBatches: number;
      maxBytes: number;
      timeoutMs: number | undefined;
      /** Whether asking acknowledges what the consumer was given before (iterators acknowledge one by one instead). */
      acknowledges: boolean;
      reply: Reply<PullManyResult>;
    }
  | { type: 'reserve'; bytes: number; spillable: boolean; reply: Reply<Reservation> }
  | { type: 'release'; bytes: number; reply: Reply<void> }
  | { type: 'complete'; reply: Reply<void> }
  | { type: 'fail'; reason: string; cause: unknown; reply: Reply<void> }
  | { type: 'waitForDrain'; timeoutMs: number | undefined; reply: Reply<void> }
  | { type: 'latestBatchId'; reply: Reply<number> }
  | { type: 'fetch'; batchIds: readonly number[]; reply: Reply<MicroBatch[]> }
  | { type: 'acknowledge'; consumerId: string; batchId: number; reply: Reply<void> }
  | { type: 'stats'; reply: Reply<CoordinatorStats> };

/**
 * Which partition entries a consumer gets: the listed indexes, or every partition p with
 * p % modulo === remainder, however many partitions the stream has (or comes to have).
 */
export type PartitionSelector = readonly number[] | { readonly modulo: number; readonly remainder: number };
