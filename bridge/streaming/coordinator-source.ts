import type { RecordBatch, Schema } from 'apache-arrow';
import { StreamFailedError } from '../../runtime/base/index.js';
import type { StreamCoordinator } from '../../actors/stream-coordinator.js';
import type { RegisterResult } from '../../actors/stream-coordinator-protocol.js';
import type { LatestBatch, SourcePayload, SourceTarget } from '../endpoint/index.js';

export const SPARK_READER = 'spark-reader';

/**
 * The reverse path's target: Spark's micro-batch reader is one more consumer of the
 * coordinator. Its offsets are batch ids; it fetches batches by id and acknowledges what
 * Spark committed, which is when the coordinator may free them.
 */
export class CoordinatorSource implements SourceTarget {
  readonly #coordinator: StreamCoordinator;
  readonly #registration: Promise<RegisterResult>;
  readonly #schema: Schema | undefined;

  /** `schema`, when known up front, spares Spark's query start from waiting for the first batch. */
  constructor(coordinator: StreamCoordinator, schema?: Schema) {
    this.#coordinator = coordinator;
    this.#schema = schema;
    // Registered now, so nothing is collected before Spark has read it.
    this.#registration = coordinator.register({ consumerId: SPARK_READER, startBatchId: 0 });
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
    return { batchId: s.latestBatchId, complete: s.complete && s.pendingPublishes === 0 };
  }

  async fetch(batchId: number): Promise<readonly SourcePayload[]> {
    const [micro] = await this.#coordinator.fetchBatches([batchId]);
    const out: RecordBatch[] = [];
    for (const entry of micro!.partitions) out.push(...entry.batches);
    return out;
  }

  async commit(batchId: number): Promise<void> {
    await this.#registration;
    await this.#coordinator.acknowledge(SPARK_READER, batchId);
  }
}
