/** What a worker module is told about each batch it processes. */
export interface BatchInfo {
  /** The coordinator's micro-batch id. */
  readonly batchId: number;
  /** The Spark epoch the micro-batch came from (null for data published in Node): the key to drop a replay by. */
  readonly epoch: number | null;
  /** The partition entry the batch belongs to. */
  readonly partition: number;
  /** The consumer (and so the worker thread) processing it. */
  readonly consumer: number;
  /** Position of the batch within its partition entry. */
  readonly index: number;
}
