import type { ActorRuntime } from '../../runtime/index.js';
import { MemoryEpochLedger, type EpochLedger } from '../endpoint/index.js';

// Checkpoints remembered per runtime; the oldest is forgotten past this many.
const MAX_REMEMBERED = 1024;

const byRuntime = new WeakMap<ActorRuntime, Map<string, EpochLedger>>();

/**
 * The ledger of a forward stream that runs on a checkpoint of the caller's: a query restarted
 * on that checkpoint in this runtime resumes it, so an epoch Spark replays is not delivered
 * twice. Kept per runtime (runtimes never share one), and bounded.
 */
export function ledgerFor(runtime: ActorRuntime, streamId: string, checkpoint: string): EpochLedger {
  let ledgers = byRuntime.get(runtime);
  if (!ledgers) byRuntime.set(runtime, (ledgers = new Map()));
  const key = `${streamId}\u0000${checkpoint}`;
  let ledger = ledgers.get(key);
  if (ledger) {
    ledgers.delete(key); // re-inserted below: most recently used last
  } else {
    ledger = new MemoryEpochLedger();
    if (ledgers.size >= MAX_REMEMBERED) ledgers.delete(ledgers.keys().next().value!);
  }
  ledgers.set(key, ledger);
  return ledger;
}
