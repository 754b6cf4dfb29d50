// A full collection on demand, for tests of memory that is reused only after V8 has collected
// every reference to it. Node allows `gc()` only with --expose-gc, which this sets at run time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs a full collection, then lets the FinalizationRegistry callbacks it queued run. */
export async function collectGarbage(): Promise<void> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
}
