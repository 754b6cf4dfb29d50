/**
 * The one record of which Spark epochs a forward stream has delivered. Spark commits epochs
 * in increasing order, so "delivered" is a high-water mark: an epoch at or below it is a
 * replay (a task retried after its commit, a query restarted on its checkpoint) and is never
 * delivered again. The sink target writes it when it takes an epoch's data; the endpoint
 * reads it to answer replays as duplicates. Kept in memory here; a durable ledger implements
 * the same interface.
 */
export interface EpochLedger {
  /** The last epoch delivered, -1 before the first. */
  readonly lastCommitted: number;
  /** Records that `epoch` (and so every earlier one) is delivered; the mark never moves back. */
  commit(epoch: number): void;
}

export class MemoryEpochLedger implements EpochLedger {
  #last: number;

  constructor(lastCommitted = -1) {
    this.#last = lastCommitted;
  }

  get lastCommitted(): number {
    return this.#last;
  }

  commit(epoch: number): void {
    if (epoch > this.#last) this.#last = epoch;
  }
}
