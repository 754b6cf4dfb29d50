import { randomUUID } from 'node:crypto';
import type { RecordBatch, Schema } from 'apache-arrow';
import { BatchCollectedError, StreamFailedError } from '../../runtime/base/index.js';
import { fetchStored, type StreamCoordinator } from '../../actors/stream-coordinator.js';
import { storedOf, type RegisterResult } from '../../actors/stream-coordinator-protocol.js';
import type { LatestBatch, SourcePayload, SourceTarget } from '../endpoint/index.js';
import type { ReverseLog } from './stream-log/reverse-log.js';

export const SPARK_READER = 'spark-reader';

const ONE_QUERY =
  'a query reading this stream already committed it. A toSparkStreaming stream feeds one query at a time, ' +
  'and its batches are freed once that query commits them: read it with one query (a query restarted on its ' +
  'checkpoint resumes it), or make one stream per query';

/**
 * The reverse path's target: Spark's micro-batch reader is one more consumer of the
 * coordinator. Its offsets are batch ids; it fetches batches by id and acknowledges what
 * Spark committed, which is when the coordinator may free them. With a stream log the ids
 * are log positions, a batch is durable before `latest` lets Spark see it, and a fetch sends
 * the logged Arrow IPC bytes as they are.
 */
export class CoordinatorSource implements SourceTarget {
  readonly #coordinator: StreamCoordinator;
  readonly #registration: Promise<RegisterResult>;
  readonly #schema: Schema | undefined;
  readonly #log: ReverseLog | undefined;
  /**
   * This stream's life, in Spark's offsets: with a stream log, the log's own (offsets stay valid
   * across Node restarts on it); without one, new with every stream, so a query restarted on a
   * checkpoint of an earlier stream under the same id fails instead of skipping batches.
   */
  readonly incarnation: string;

  /**
   * `schema`, when known up front, spares Spark's query start from waiting for the first batch;
   * `firstBatchId` is where the coordinator's ids start (a log's first position).
   */
  constructor(coordinator: StreamCoordinator, schema?: Schema, options: { firstBatchId?: number; log?: ReverseLog | undefined } = {}) {
    this.#coordinator = coordinator;
    this.#schema = schema;
    this.#log = options.log;
    this.incarnation = options.log?.incarnation ?? randomUUID();
    // Registered now, so nothing is collected before Spark has read it.
    this.#registration = coordinator.register({ consumerId: SPARK_READER, startBatchId: options.firstBatchId ?? 0 });
    this.#registration.catch(() => undefined);
  }

  async schema(): Promise<Schema> {
    if (this.#schema) return this.#schema;
    const { schema } = await this.#registration;
    if (!schema) throw new StreamFailedError(this.#coordinator.streamId, 'the source ended before its first batch, so it has no schema');
    return schema;
  }

  async latest(): Promise<LatestBatch> {
    const s = await this.#coordinator.getStats();
    if (s.error) throw new StreamFailedError(this.#coordinator.streamId, s.error);
    // Every batch up to the one named here was appended before it was published: make them durable
    // before Spark can write this offset into its checkpoint.
    await this.#log?.sync();
    return { batchId: s.latestBatchId, complete: s.complete && s.pendingPublishes === 0 };
  }

  async fetch(batchId: number): Promise<readonly SourcePayload[]> {
    const [micro] = await fetchStored(this.#coordinator, [batchId]).catch((err: unknown) => {
      // Only Spark's commits free a batch this stream's reader has not read: another query did.
      if (err instanceof BatchCollectedError) {
        throw new BatchCollectedError(this.#coordinator.streamId, err.batchId, err.oldestBatchId, ONE_QUERY);
      }
      throw err;
    });
    const out: (RecordBatch | Uint8Array)[] = [];
    for (const entry of micro!.partitions) {
      const stored = storedOf(entry);
      if (!stored) {
        out.push(...entry.batches);
        continue;
      }
      for await (const payload of stored.payloads()) out.push(payload);
    }
    return out;
  }

  async commit(batchId: number): Promise<void> {
    await this.#registration;
    await this.#coordinator.acknowledge(SPARK_READER, batchId);
  }
}
