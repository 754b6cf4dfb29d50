import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { CommittedPartition, CommitResult, SinkTarget, SourceTarget } from './targets.js';

/**
 * One registered stream: its secret and its targets. Commits are made idempotent by the sink's
 * epoch ledger, which the sink writes and this entry reads.
 */
export class StreamEntry {
  readonly streamId: string;
  readonly sink: SinkTarget | undefined;
  readonly source: SourceTarget | undefined;
  readonly sockets = new Set<Socket>();
  readonly #secretDigest: Buffer;
  #commits: Promise<unknown> = Promise.resolve();

  constructor(streamId: string, secret: string, sink: SinkTarget | undefined, source: SourceTarget | undefined) {
    this.streamId = streamId;
    this.sink = sink;
    this.source = source;
    this.#secretDigest = digest(secret);
  }

  /** Constant-time: digests have the same length whatever was sent, so timing reveals nothing. */
  secretMatches(candidate: string): boolean {
    return timingSafeEqual(this.#secretDigest, digest(candidate));
  }

  /** An epoch the sink's ledger already holds is a replay (see EpochLedger). */
  isCommitted(epoch: number): boolean {
    return this.sink !== undefined && epoch <= this.sink.ledger.lastCommitted;
  }

  /** Commits one at a time per stream, so two concurrent commits of an epoch publish it once. */
  commit(sink: SinkTarget, epoch: number, partitions: readonly CommittedPartition[]): Promise<CommitResult> {
    const run = this.#commits.then(async (): Promise<CommitResult> => {
      if (this.isCommitted(epoch)) return { duplicate: true };
      return sink.commitEpoch(epoch, partitions);
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
