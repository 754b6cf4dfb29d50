import type { MicroBatch, PullResult } from '../../streaming.js';

/** The micro-batch of a pull's answer; fails the test, naming what came instead, when it is not one. */
export function batchOf(result: PullResult): MicroBatch {
  if (result.kind !== 'batch') throw new Error(`expected a batch, the pull answered { kind: '${result.kind}' }`);
  return result.batch;
}
