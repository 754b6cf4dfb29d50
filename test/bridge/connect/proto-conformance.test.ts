// Every plan the expression API builds follows the real Spark Connect protos field by field
// (names as the loader maps them, enum values), checked without Spark running a thing.
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DataFrame, SparkSession } from '../../../bridge/connect/index.js';
import { sparkHome } from '../../../bridge/spark/index.js';
import { col, functions as F, lit, Window } from '../../../index.js';
import { getSpark } from '../../support/spark.js';
import { EXPRESSION_CASES } from './expression-cases.js';
import { DEPT, EMP } from './fixtures.js';
import { JOIN_CASES } from './join-cases.js';
import { protoProblems } from './proto-check.js';
import { WINDOW_CASES } from './window-cases.js';

const test = suite('plans follow the Spark Connect protos');

function planOf(df: DataFrame): unknown {
  return (df as unknown as { plan: unknown }).plan;
}

/** Plans the oracle cases do not build. */
function extraPlans(s: SparkSession): Record<string, DataFrame> {
  const e = s.table(EMP);
  return {
    watermark: s.readStream.format('rate').load().withWatermark('timestamp', '10 seconds').dropDuplicatesWithinWatermark('value'),
    sortWithinPartitions: e.sortWithinPartitions(col('id').desc()),
    naDrop: e.na.drop({ thresh: 2 }),
    cube: e.cube('dept', 'age').agg(F.count()),
    frames: e.select(F.sum('id').over(Window.partitionBy('dept').orderBy('age').rangeBetween(Window.unboundedPreceding, 10))),
    session: s.readStream.format('rate').load().groupBy(F.sessionWindow('timestamp', '5 seconds')).count(),
    crossJoin: e.crossJoin(s.table(DEPT)),
    literals: s.range(1).select(lit(null), lit(1.5), lit(2n ** 40n), lit(new Date(0)), lit(Uint8Array.of(1))),
  };
}

test('the plan of every oracle case and of the other methods has only fields the protos define', async () => {
  const spark = await getSpark();
  const protos = join(sparkHome(spark.version), 'protos');
  const plans: [string, DataFrame][] = [
    ...[...EXPRESSION_CASES, ...JOIN_CASES, ...WINDOW_CASES].map((c): [string, DataFrame] => [c.name, c.api(spark)]),
    ...Object.entries(extraPlans(spark)),
  ];
  const problems = plans.flatMap(([name, df]) => protoProblems(protos, 'spark.connect.Relation', planOf(df)).map((p) => `${name}: ${p}`));
  assert.equal(problems, []);
  assert.ok(plans.length > 70, `${plans.length} plans checked`);
});

test('the checker itself catches a misspelt field and a bad enum value', async () => {
  const spark = await getSpark();
  const protos = join(sparkHome(spark.version), 'protos');
  assert.equal(protoProblems(protos, 'spark.connect.Relation', { range: { end: '1', step: '1' } }), []);
  assert.equal(protoProblems(protos, 'spark.connect.Relation', { range: { end: '1', stepp: '1' } }), ['Relation.range.stepp: spark.connect.Range has no field stepp']);
  assert.equal(
    protoProblems(protos, 'spark.connect.Relation', { sort: { input: { range: { end: '1' } }, order: [{ child: { literal: { integer: 1 } }, direction: 'UP' }] } }),
    ['Relation.sort.order[0].direction: UP is not a value of spark.connect.Expression.SortOrder.SortDirection'],
  );
  assert.equal(protoProblems(protos, 'spark.connect.Expression', { window: { windowFunction: {}, frameSpec: { frameType: 'FRAME_TYPE_ROWS' } } }), [
    'Expression.window.frameSpec.frameType: FRAME_TYPE_ROWS is not a value of spark.connect.Expression.Window.WindowFrame.FrameType',
  ]);
});

test.run();
