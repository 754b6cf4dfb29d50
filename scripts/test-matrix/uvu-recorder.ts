// Stands in for 'uvu' in the test files while the compatibility matrix runs them (see hooks.ts):
// the same suites, run by the real uvu, plus one JSON line per finished test in the file named
// by DRLS_MATRIX_RESULTS, so the matrix can count results per path (uvu prints only failures).
import { appendFileSync } from 'node:fs';
import * as uvu from 'uvu';
import type { Callback, Test } from 'uvu';

export { exec } from 'uvu';

/** One finished test, as the matrix reads it. */
export interface TestRecord {
  file: string;
  suite: string;
  test: string;
  ok: boolean;
  error?: string;
  /** The test's own source: the matrix reads which path it drives from it. */
  source: string;
}

const results = process.env['DRLS_MATRIX_RESULTS'];

/** The file being imported: run-suites.ts queues its name just before importing it, as uvu's CLI does. */
function currentFile(): string {
  const g = globalThis as { UVU_QUEUE?: unknown[][]; UVU_INDEX?: number };
  const name = g.UVU_QUEUE?.[g.UVU_INDEX ?? 0]?.[0];
  return typeof name === 'string' ? name : '';
}

function recorded<T>(suiteName: string, name: string, handler: Callback<T>): Callback<T> {
  const file = currentFile();
  const write = (ok: boolean, err?: unknown): void => {
    if (!results) return;
    const record: TestRecord = { file, suite: suiteName, test: name, ok, source: handler.toString() };
    if (err !== undefined) record.error = err instanceof Error ? err.message : String(err);
    appendFileSync(results, `${JSON.stringify(record)}\n`);
  };
  return async (context) => {
    try {
      await handler(context);
    } catch (err) {
      write(false, err);
      throw err;
    }
    write(true);
  };
}

export function suite<T = Record<string, unknown>>(title?: string, context?: T): Test<T> {
  const real = uvu.suite<T>(title, context);
  const name = title ?? '';
  const wrapped = ((testName: string, handler: Callback<T>) => real(testName, recorded(name, testName, handler))) as Test<T>;
  wrapped.only = (testName, handler) => real.only(testName, recorded(name, testName, handler));
  wrapped.skip = real.skip;
  wrapped.before = real.before;
  wrapped.after = real.after;
  wrapped.run = real.run;
  return wrapped;
}

export const test = suite();
