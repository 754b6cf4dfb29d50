// Joins with the expression API against the same joins in SQL, and what join() refuses.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError } from '../../../index.js';
import { getSpark } from '../../support/spark.js';
import { createFixtures, DEPT, EMP } from './fixtures.js';
import { JOIN_CASES } from './join-cases.js';
import { oracleTests } from './oracle.js';

const test = suite('joins: expression API vs SQL');

test.before(async () => {
  await createFixtures(await getSpark());
});

oracleTests(getSpark, JOIN_CASES, { test });

test('join() validates its arguments at the call', async () => {
  const spark = await getSpark();
  const e = spark.table(EMP);
  assert.throws(() => e.join(spark.table(DEPT), 'dept', 'sideways' as 'inner'), (err: unknown) => err instanceof InvalidArgumentError && /join\(how\)/.test(err.message));
  assert.throws(() => e.join(spark.table(DEPT), 42 as unknown as string), isInvalidArgument);
  assert.throws(() => e.join({} as typeof e, 'dept'), isInvalidArgument);
  assert.throws(() => e.union('x' as unknown as typeof e), isInvalidArgument);
});

function isInvalidArgument(err: unknown): boolean {
  return err instanceof InvalidArgumentError;
}

test.run();
