// Spark as the oracle: a query written with the expression API and the same query in SQL run
// through the same Spark must give equal results (same column types, same rows; sorted unless the
// query orders). Shared by the expression, join, window and streaming tests.
import type { Table } from 'apache-arrow';
import { test as uvuTest, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DataFrame, SparkSession } from '../../../bridge/connect/index.js';

export interface OracleCase {
  readonly name: string;
  /** The query with the expression API. */
  readonly api: (spark: SparkSession) => DataFrame;
  /** The same query in Spark SQL. */
  readonly sql: string;
  /** The query orders its rows: compare them in order. */
  readonly ordered?: boolean;
  /** The query may give no rows (otherwise an empty result fails: the case would prove nothing). */
  readonly mayBeEmpty?: boolean;
}

/** One result, reduced to what is compared: Arrow type per column and JSON-comparable rows. */
export interface Result {
  readonly types: string[];
  readonly rows: unknown[][];
}

type Outcome = { api: Result; sql: Result } | { error: unknown };

/** Plain values for comparing: bigints as `<n>n`, doubles to 12 significant digits, rows of nested values as JSON. */
export function normalize(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === 'object') {
    const withJson = v as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return normalize(withJson.toJSON());
    if (Symbol.iterator in v) return Array.from(v as Iterable<unknown>, normalize);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  }
  return String(v);
}

export function resultOf(table: Table, ordered: boolean): Result {
  const types = table.schema.fields.map((f) => String(f.type));
  const rows: unknown[][] = [];
  for (let r = 0; r < table.numRows; r++) {
    rows.push(table.schema.fields.map((_, c) => normalize(table.getChildAt(c)?.get(r))));
  }
  if (!ordered) rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
  return { types, rows };
}

export async function runCase(spark: SparkSession, c: OracleCase): Promise<{ api: Result; sql: Result }> {
  const [apiTable, sqlTable] = await Promise.all([c.api(spark).collect(), spark.sql(c.sql).then((df) => df.collect())]);
  return { api: resultOf(apiTable, c.ordered === true), sql: resultOf(sqlTable, c.ordered === true) };
}

export function assertSame(c: Pick<OracleCase, 'name' | 'mayBeEmpty'>, api: Result, sql: Result): void {
  assert.equal(api.types, sql.types, `${c.name}: column types`);
  assert.equal(api.rows, sql.rows, `${c.name}: rows`);
  if (!c.mayBeEmpty) assert.ok(sql.rows.length > 0, `${c.name}: the SQL query gave rows`);
}

/**
 * Register one uvu test per case. The queries of all cases run up front, a few at a time (Spark
 * serves concurrent plans of one session), so the file's run time is not the sum of round trips.
 */
export function oracleTests(getSpark: () => Promise<SparkSession>, cases: readonly OracleCase[], opts: { concurrency?: number; test?: Test } = {}): void {
  const t = opts.test ?? uvuTest;
  const outcomes = new Map<string, Outcome>();
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate oracle case name ${c.name}`);
    names.add(c.name);
  }
  t.before(async () => {
    const spark = await getSpark();
    const queue = [...cases];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const current = c;
        outcomes.set(current.name, await runCase(spark, current).catch((error: unknown) => ({ error })));
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  });
  for (const c of cases) {
    t(`oracle: ${c.name}`, () => {
      const o = outcomes.get(c.name);
      if (!o) throw new Error(`${c.name} did not run`);
      if ('error' in o) throw o.error;
      assertSame(c, o.api, o.sql);
    });
  }
}
