import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { CommittedPartition, CommitResult, SinkTarget, SourceTarget } from './targets.js';

/**
 * One registered stream: its secret, its targets, and the endpoint-side record of committed epochs
 * that makes commit idempotent whatever the target does.
 */
export class StreamEntry {
  readonly streamId: string;
  readonly sink: SinkTarget | undefined;
  readonly source: SourceTarget | undefined;
  readonly sockets = new Set<Socket>();
  readonly #secretDigest: Buffer;
  #lastCommittedEpoch: number;
  #commits: Promise<unknown> = Promise.resolve();

  constructor(streamId: string, secret: string, sink: SinkTarget | undefined, source: SourceTarget | undefined, lastCommittedEpoch: number) {
    this.streamId = streamId;
    this.sink = sink;
    this.source = source;
    this.#secretDigest = digest(secret);
    this.#lastCommittedEpoch = lastCommittedEpoch;
  }

  /** Constant-time: digests have the same length whatever was sent, so timing reveals nothing. */
  secretMatches(candidate: string): boolean {
    return timingSafeEqual(this.#secretDigest, digest(candidate));
  }

  get lastCommittedEpoch(): number {
    return this.#lastCommittedEpoch;
  }

  /**
   * Spark commits micro-batch epochs in increasing order, so an epoch at or below the last
   * committed one is a replay (task retry after commit, restart from a checkpoint).
   */
  isCommitted(epoch: number): boolean {
    return epoch <= this.#lastCommittedEpoch;
  }

  /** Commits one at a time per stream, so two concurrent commits of an epoch publish it once. */
  commit(sink: SinkTarget, epoch: number, partitions: readonly CommittedPartition[]): Promise<CommitResult> {
    const run = this.#commits.then(async (): Promise<CommitResult> => {
      if (this.isCommitted(epoch)) return { duplicate: true };
      const result = await sink.commitEpoch(epoch, partitions);
      this.#lastCommittedEpoch = epoch;
      return result;
    });
    this.#commits = run.catch(() => undefined);
    return run;
  }

  abort(sink: SinkTarget, epoch: number): Promise<void> {
    const run = this.#commits.then(() => (this.isCommitted(epoch) ? undefined : sink.abortEpoch(epoch)));
    this.#commits = run.catch(() => undefined);
    return run;
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
