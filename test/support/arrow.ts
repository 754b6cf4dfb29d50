import { tableFromArrays, type RecordBatch } from 'apache-arrow';

/** A one-column int32 batch `x` with the given values. */
export function intBatch(values: number[]): RecordBatch {
  return tableFromArrays({ x: Int32Array.from(values) }).batches[0]!;
}

/** A batch of `bytes` bytes (a single Uint8 column). */
export function bytesBatch(bytes: number, fill = 1): RecordBatch {
  return tableFromArrays({ b: new Uint8Array(bytes).fill(fill) }).batches[0]!;
}

/** Values of column `x` across batches. */
export function xs(batches: Iterable<RecordBatch>): number[] {
  const out: number[] = [];
  for (const b of batches) out.push(...(b.getChild('x')!.toArray() as Int32Array));
  return out;
}

/** Settles after pending promise callbacks and actor hops have run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
