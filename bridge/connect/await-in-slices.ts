import { checkNonNegative, checkObject } from '../../runtime/base/index.js';

/** Longest single wait sent to the server, so a vanished server is noticed while waiting forever. */
const AWAIT_SLICE_MS = 30_000;

/**
 * Wait on the server in slices of at most 30 s until `waitSlice` reports the end (true), or
 * `options.timeoutMs` passes (false). Spark Connect's waits take milliseconds on the wire.
 */
export async function awaitInSlices(options: { timeoutMs?: number }, waitSlice: (sliceMs: number) => Promise<boolean>): Promise<boolean> {
  checkObject(options, 'options');
  const { timeoutMs } = options;
  if (timeoutMs !== undefined) checkNonNegative(timeoutMs, 'options.timeoutMs');
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    if (await waitSlice(Math.round(Math.max(0, Math.min(AWAIT_SLICE_MS, deadline - Date.now()))))) return true;
    if (Date.now() >= deadline) return false;
  }
}
