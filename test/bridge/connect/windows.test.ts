// Window specs and window functions with the expression API against the same in SQL.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { col, InvalidArgumentError, Window } from '../../../index.js';
import { getSpark } from '../../support/spark.js';
import { createFixtures } from './fixtures.js';
import { oracleTests } from './oracle.js';
import { WINDOW_CASES } from './window-cases.js';

const test = suite('windows: expression API vs SQL');

test.before(async () => {
  await createFixtures(await getSpark());
});

oracleTests(getSpark, WINDOW_CASES, { test });

test('window specs are immutable and check their frames', () => {
  const base = Window.partitionBy('dept');
  const ordered = base.orderBy('id');
  assert.is.not(base, ordered);
  assert.throws(() => base.rowsBetween(2, 1), (e: unknown) => e instanceof InvalidArgumentError && /start \(2\) must not be after end \(1\)/.test(e.message));
  assert.throws(() => base.rowsBetween(0.5, 1), isInvalidArgument);
  assert.throws(() => base.rowsBetween(Window.unboundedFollowing, 1), isInvalidArgument);
  assert.throws(() => col('x').over({} as typeof base), isInvalidArgument);
});

function isInvalidArgument(err: unknown): boolean {
  return err instanceof InvalidArgumentError;
}

test.run();
