// The rest of the DataFrame API around the expressions: catalog, explain, partitions, na, and
// the function list generated from Spark at set-up.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BUILTIN_FUNCTIONS_VERSION,
  builtinFunctionGroup,
  builtinFunctionNames,
  col,
  fn,
  functions as F,
  InvalidArgumentError,
  isBuiltinFunction,
  lit,
  when,
  type SparkFunctionName,
} from '../../../index.js';
import { getSpark } from '../../support/spark.js';
import { createFixtures, EMP } from './fixtures.js';

const test = suite('DataFrame API: catalog, explain, partitions, function list');

function isInvalidArgument(err: unknown): boolean {
  return err instanceof InvalidArgumentError;
}

test.before(async () => {
  await createFixtures(await getSpark());
});

test('spark.catalog: current database, databases, tables, columns, tableExists', async () => {
  const spark = await getSpark();
  const catalog = spark.catalog;
  assert.is(await catalog.currentDatabase(), 'default');
  const dbs = await catalog.listDatabases();
  assert.ok(dbs.some((d) => d.name === 'default'), 'default is listed');
  assert.equal(await catalog.listDatabases('no_such_*'), []);
  await spark.range(3).write.mode('overwrite').saveAsTable('drls_x_catalog_t');
  try {
    const tables = await catalog.listTables();
    const view = tables.find((t) => t.name === EMP);
    assert.ok(view, 'the temp view is listed');
    assert.is(view.isTemporary, true);
    const table = tables.find((t) => t.name === 'drls_x_catalog_t');
    assert.ok(table, 'the table is listed');
    assert.is(table.isTemporary, false);
    assert.equal(table.namespace, ['default']);
    assert.is(await catalog.tableExists('drls_x_catalog_t'), true);
    assert.is(await catalog.tableExists('drls_x_catalog_t', 'default'), true);
    assert.is(await catalog.tableExists('default.drls_x_catalog_t'), true);
    assert.is(await catalog.tableExists(EMP), true);
    assert.is(await catalog.tableExists('drls_x_no_such_table'), false);
    assert.is(await catalog.databaseExists('default'), true);
    const columns = await catalog.listColumns(EMP);
    assert.equal(columns.map((c) => `${c.name}:${c.dataType}`).slice(0, 3), ['id:int', 'name:string', 'dept:string']);
  } finally {
    await spark.sql('DROP TABLE IF EXISTS drls_x_catalog_t');
  }
  assert.is(await catalog.tableExists('drls_x_catalog_t'), false);
});

test('explain returns Spark\'s plan in the mode asked for', async () => {
  const spark = await getSpark();
  const df = spark.table(EMP).filter(col('age').gt(30)).groupBy('dept').count();
  const write = process.stdout.write;
  let printed = '';
  process.stdout.write = ((chunk: string) => {
    printed += chunk;
    return true;
  }) as typeof process.stdout.write;
  let simple: string;
  let extended: string;
  try {
    simple = await df.explain();
    extended = await df.explain(true);
  } finally {
    process.stdout.write = write;
  }
  assert.match(simple, '== Physical Plan ==');
  assert.not.match(simple, '== Parsed Logical Plan ==');
  assert.match(extended, '== Parsed Logical Plan ==');
  assert.match(printed, '== Physical Plan ==');
  try {
    await df.explain('verbose' as 'simple');
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.ok(isInvalidArgument(err), String(err));
  }
});

test('repartition and coalesce set the partitions; columns lists names', async () => {
  const spark = await getSpark();
  const df = spark.range(20).withColumn('k', col('id').mod(3));
  assert.match(await planOf(df.repartition(4)), 'RoundRobinPartitioning(4)');
  assert.match(await planOf(df.repartition(5, 'k')), /hashpartitioning\(k#\d+L, 5\)/);
  assert.match(await planOf(df.repartition('k')), /hashpartitioning\(k#\d+L, \d+\)/);
  assert.match(await planOf(df.repartition(4).coalesce(1)), 'Coalesce 1');
  assert.is(await df.repartition(3, 'k').count(), 20);
  assert.equal(await df.withColumnRenamed('k', 'key').columns(), ['id', 'key']);
  assert.throws(() => df.repartition(0), isInvalidArgument);
  assert.throws(() => df.repartition(), isInvalidArgument);
});

async function planOf(df: { explain(mode: 'simple'): Promise<string> }): Promise<string> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await df.explain('simple');
  } finally {
    process.stdout.write = write;
  }
}

test('the function list is the one generated from the pinned Spark at set-up', async () => {
  const spark = await getSpark();
  const names = builtinFunctionNames();
  assert.ok(names.length > 400, `hundreds of functions (${names.length})`);
  for (const n of ['date_format', 'count', 'window', 'explode', 'when', '+', 'try_divide'] as const) assert.ok(isBuiltinFunction(n), n);
  assert.is(builtinFunctionGroup('sum'), 'agg_funcs');
  assert.is(builtinFunctionGroup('row_number'), 'window_funcs');
  assert.is(builtinFunctionGroup('not_a_function'), undefined);
  assert.ok(isBuiltinFunction('DATE_FORMAT'), 'Spark names are case-insensitive');
  if (spark.version === BUILTIN_FUNCTIONS_VERSION) {
    // The server's own registry agrees: every generated name is one of its system functions.
    const shown = new Set(
      Array.from((await (await spark.sql('SHOW SYSTEM FUNCTIONS')).collect()).getChildAt(0)!.toArray() as string[], (s) => String(s)),
    );
    assert.equal(names.filter((n) => !shown.has(n)), [], 'no generated name is unknown to Spark');
  }
});

test('fn() refuses names that are not built in; callFunction() is the way to those', () => {
  assert.throws(
    () => fn('no_such_fn' as SparkFunctionName, 'x'),
    (e: unknown) => isInvalidArgument(e) && /not a built-in function of Spark/.test((e as Error).message) && /callFunction/.test((e as Error).message),
  );
  assert.ok(F.callFunction('my_udf', 'x', 1));
  assert.throws(() => fn('upper', {} as unknown as string), isInvalidArgument);
});

test('expressions validate their arguments where they are built', () => {
  assert.throws(() => col(''), isInvalidArgument);
  assert.throws(() => lit(undefined as unknown as null), isInvalidArgument);
  assert.throws(() => lit(Symbol('x') as unknown as string), isInvalidArgument);
  assert.throws(() => lit(2n ** 64n), isInvalidArgument);
  assert.throws(() => col('a').plus({} as unknown as number), isInvalidArgument);
  assert.throws(() => col('a').isin(), isInvalidArgument);
  assert.throws(() => col('a').cast(''), isInvalidArgument);
  assert.throws(() => F.substring('a', 1.5, 2), isInvalidArgument);
  assert.throws(() => F.sha2('a', 100 as 256), isInvalidArgument);
  assert.throws(() => F.createMap('a'), isInvalidArgument);
  assert.throws(() => F.coalesce(), isInvalidArgument);
  assert.throws(() => when('a > 1' as unknown as ReturnType<typeof col>, 1), isInvalidArgument);
  // otherwise() and when() only continue a when() chain.
  assert.throws(() => col('a').otherwise(1), isInvalidArgument);
  assert.throws(() => when(col('a').gt(1), 1).otherwise(0).otherwise(2), isInvalidArgument);
  assert.throws(() => when(col('a').gt(1), 1).otherwise(0).when(col('a').lt(0), 3), isInvalidArgument);
});

test('DataFrame methods validate their arguments at the call', async () => {
  const spark = await getSpark();
  const df = spark.table(EMP);
  assert.throws(() => df.select(42 as unknown as string), isInvalidArgument);
  assert.throws(() => df.filter(''), isInvalidArgument);
  assert.throws(() => df.filter(42 as unknown as string), isInvalidArgument);
  assert.throws(() => df.withColumns({}), isInvalidArgument);
  assert.throws(() => df.orderBy(), isInvalidArgument);
  assert.throws(() => df.groupBy('dept').agg({ salary: 'median' as 'max' }), isInvalidArgument);
  assert.throws(() => df.groupBy('dept').agg('x' as unknown as ReturnType<typeof col>), isInvalidArgument);
  assert.throws(() => df.na.fill(Number.NaN), isInvalidArgument);
  assert.throws(() => df.na.fill({ a: [1] as unknown as number }), isInvalidArgument);
  assert.throws(() => df.na.drop({ how: 'some' as 'any' }), isInvalidArgument);
  assert.throws(() => df.na.drop({ thresh: -1 }), isInvalidArgument);
  assert.throws(() => df.withWatermark('ts', ''), isInvalidArgument);
  assert.throws(() => df.dropDuplicates(''), isInvalidArgument);
  // A misspelt column is Spark's to find, when the query runs: a SparkError with its class.
  try {
    await df.select(col('no_such_col')).collect();
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.match(String((err as { errorClass?: string }).errorClass), 'UNRESOLVED_COLUMN');
  }
});

test.run();
