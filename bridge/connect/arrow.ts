import { RecordBatchReader, Table, type RecordBatch } from 'apache-arrow';
import type { ExecutePlanResponse } from './messages.js';

/**
 * Decode the Arrow IPC streams of an ExecutePlan answer into record batches as they arrive;
 * no JS rows are built. Each `arrow_batch.data` is a complete IPC stream.
 */
export async function* arrowBatches(responses: AsyncIterable<ExecutePlanResponse>): AsyncGenerator<RecordBatch> {
  for await (const res of responses) {
    const data = res.arrowBatch?.data;
    if (!data || data.length === 0) continue;
    for (const batch of RecordBatchReader.from(aligned(data))) yield batch;
  }
}

/** All batches as one Table; columns stay views over the received bytes. */
export async function collectTable(responses: AsyncIterable<ExecutePlanResponse>): Promise<Table> {
  const batches: RecordBatch[] = [];
  for await (const batch of arrowBatches(responses)) batches.push(batch);
  if (batches.length === 0) return new Table();
  const first = batches[0]!;
  return new Table(first.schema, batches);
}

/**
 * Arrow reads column buffers in place only when they are 8-byte aligned, else it copies each one.
 * gRPC hands out views into larger buffers at arbitrary offsets, so copy once, whole, when needed.
 */
function aligned(data: Buffer): Uint8Array {
  if (data.byteOffset % 8 === 0) return data;
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy;
}
