/** What a worker module is told about each batch it processes. */
export interface BatchInfo {
  /** The coordinator's micro-batch id. */
  readonly batchId: number;
  /** The partition entry the batch belongs to. */
  readonly partition: number;
  /** The consumer (and so the worker thread) processing it. */
  readonly consumer: number;
  /** Position of the batch within its partition entry. */
  readonly index: number;
}
