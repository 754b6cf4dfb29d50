import type { Table } from 'apache-arrow';
import type { QueryBridge, StreamingQuery } from './streaming-query.js';

/**
 * What `writeStream.foreachBatch()` runs in Node for each micro-batch: `batch` holds every row
 * of the epoch (all partitions, in partition order) and `epochId` is Spark's batch id. A promise
 * it returns is awaited before Spark's commit of the epoch completes (one epoch at a time, in
 * order); any other result is ignored. A rejection (or a throw) fails the query with its message.
 */
export type ForeachBatchFunction = (batch: Table, epochId: number) => unknown;

/**
 * @internal What DataStreamWriter hands the drls bridge to run a foreachBatch query. The bridge
 * (bridge/streaming) registers a sink and starts the query through `start`; this layer may not
 * import it, so it reaches the writer through this description.
 */
export interface ForeachBatchQuery {
  readonly handler: ForeachBatchFunction;
  /** The writer's `checkpointLocation`, when it was given. */
  readonly checkpointLocation: string | undefined;
  /** The writer's other options: they go to the drls connector (e.g. `maxRowsPerBatch`). */
  readonly options: Readonly<Record<string, string>>;
  /** A table of no rows with the query's schema, asked of Spark (an epoch with no rows carries no schema). */
  emptyBatch(): Promise<Table>;
  /**
   * Starts the query as the writer was set up (trigger, name, output mode), writing to the drls
   * connector with `options` on `checkpointLocation`; `bridge` is Node's part of the query, which
   * the returned query's stop() and awaitTermination() release.
   */
  start(sink: { options: Record<string, string>; checkpointLocation: string }, bridge: QueryBridge): Promise<StreamingQuery>;
}

/** @internal How a session's foreachBatch queries reach Node; installed by drls/streaming's enableForeachBatch. */
export interface ForeachBatchBridge {
  start(query: ForeachBatchQuery): Promise<StreamingQuery>;
}
