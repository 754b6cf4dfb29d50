import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Await a condition that the code under test makes true by itself (no real time involved):
 * checks it after each turn of the event loop, and fails naming it after `maxTurns`.
 */
export async function waitFor(condition: () => boolean, what = 'the condition', maxTurns = 10_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error(`${what} did not hold within ${maxTurns} event-loop turns`);
}
