// A worker module for runPartitioned: runs on a worker thread, once per record batch,
// over the batch's own (moved) Arrow buffers.
import type { RecordBatch } from 'apache-arrow';
import type { BatchInfo } from 'drls/streaming';

export interface Score {
  readonly partition: number;
  readonly batchId: number;
  readonly rows: number;
  readonly sum: number;
}

export default function score(batch: RecordBatch, info: BatchInfo): Score {
  const column = batch.getChild('value');
  let sum = 0;
  if (column) for (const v of column.toArray() as Iterable<number | bigint>) sum += Number(v);
  return { partition: info.partition, batchId: info.batchId, rows: batch.numRows, sum };
}
