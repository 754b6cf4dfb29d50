import type { ConnectClient } from './client.js';
import type { ForeachBatchBridge } from './foreach-batch.js';
import type { Relation } from './messages.js';

/**
 * What DataFrames, readers, writers and queries share with the session that made them.
 * Internal: users reach it only through SparkSession.
 */
export interface SessionContext {
  readonly client: ConnectClient;
  /** The server's Spark version, e.g. "4.1.1" (for messages about what it cannot do). */
  readonly sparkVersion: string;
  /** Wrap a relation with a fresh plan id, as every Spark Connect client does. */
  relation(rel: Omit<Relation, 'common'>): Relation;
  /** A streaming query was started: keep the session alive while it may run. */
  queryStarted(): void;
  /**
   * How foreachBatch queries reach Node: installed on the session by drls/streaming's
   * enableForeachBatch (this layer may not import the bridge), undefined until then.
   */
  readonly foreachBatch: ForeachBatchBridge | undefined;
}
