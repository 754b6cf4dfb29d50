// A sink target that kills one task attempt mid-write: the first attempt of partition 0 of
// epoch 1 fails after three of its frames were accepted, as an executor dying would. Spark
// then retries the task; everything else goes to `real`.
import type { SinkTarget } from '../../bridge/endpoint/index.js';

export function killOneAttemptMidWrite(real: SinkTarget): { sink: SinkTarget; killed: () => boolean } {
  let framesOfVictim = 0;
  let victim: number | undefined;
  let killed = false;
  const sink: SinkTarget = {
    async stage(epoch, partition, attempt, ipc) {
      if (epoch === 1 && partition === 0) victim ??= attempt;
      if (attempt === victim && ++framesOfVictim > 3) {
        killed = true;
        throw new Error('injected: task killed mid-write');
      }
      await real.stage(epoch, partition, attempt, ipc);
    },
    commitEpoch: (epoch, partitions) => real.commitEpoch(epoch, partitions),
    abortEpoch: (epoch) => real.abortEpoch(epoch),
    ledger: real.ledger,
  };
  return { sink, killed: () => killed };
}
