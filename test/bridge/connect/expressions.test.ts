// Spark is the oracle: each query written with the expression API must give what the same query
// in SQL gives, through the same Spark. One row per case; the queries run a few at a time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { col, lit } from '../../../index.js';
import { getSpark } from '../../support/spark.js';
import { EXPRESSION_CASES } from './expression-cases.js';
import { createFixtures } from './fixtures.js';
import { assertSame, oracleTests, runCase, type OracleCase } from './oracle.js';

const test = suite('expression API vs SQL (batch)');

test.before(async () => {
  await createFixtures(await getSpark());
});

oracleTests(getSpark, EXPRESSION_CASES, { test });

test('the oracle tells a different value and a different type apart', async () => {
  const spark = await getSpark();
  const differs = async (c: OracleCase): Promise<boolean> => {
    const { api, sql } = await runCase(spark, c);
    try {
      assertSame(c, api, sql);
      return false;
    } catch {
      return true;
    }
  };
  assert.ok(await differs({ name: 'value', api: (s) => s.range(3).select(col('id').plus(1)), sql: 'SELECT id + 2 FROM range(3)' }));
  assert.ok(await differs({ name: 'type', api: (s) => s.range(1).select(lit(1)), sql: 'SELECT 1L FROM range(1)' }));
  assert.ok(await differs({ name: 'order', api: (s) => s.range(3).orderBy(col('id').desc()), sql: 'SELECT id FROM range(3) ORDER BY id', ordered: true }));
  assert.not.ok(await differs({ name: 'same', api: (s) => s.range(3).orderBy(col('id').desc()), sql: 'SELECT id FROM range(3) ORDER BY id' }));
});

test.run();
