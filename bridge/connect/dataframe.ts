import type { RecordBatch, Table } from 'apache-arrow';
import { arrowBatches, collectTable } from './arrow.js';
import { Column, columnExpr, columnOnly, nameExpr, type ColumnOrName } from './column.js';
import type { SessionContext } from './context.js';
import { GroupedData } from './grouped-data.js';
import { describe } from './literal.js';
import type { ExplainModeMsg, Expression, GroupType, JoinTypeMsg, Relation } from './messages.js';
import { DataFrameNaFunctions } from './na-functions.js';
import { DataFrameWriter } from './writer.js';
import { DataStreamWriter } from './stream-writer.js';
import { structType, type StructType } from './schema.js';
import { sortOrders } from './window.js';
import { checkNonEmptyString, checkIntegerInRange, checkObject, checkOneOf, InvalidArgumentError, SparkError } from '../../runtime/base/index.js';

/** How `join` matches rows; the aliases are Spark's own. */
export type JoinType =
  | 'inner'
  | 'cross'
  | 'left'
  | 'leftouter'
  | 'left_outer'
  | 'right'
  | 'rightouter'
  | 'right_outer'
  | 'full'
  | 'outer'
  | 'fullouter'
  | 'full_outer'
  | 'semi'
  | 'leftsemi'
  | 'left_semi'
  | 'anti'
  | 'leftanti'
  | 'left_anti';

const JOIN_TYPES: Record<JoinType, JoinTypeMsg> = {
  inner: 'JOIN_TYPE_INNER',
  cross: 'JOIN_TYPE_CROSS',
  left: 'JOIN_TYPE_LEFT_OUTER',
  leftouter: 'JOIN_TYPE_LEFT_OUTER',
  left_outer: 'JOIN_TYPE_LEFT_OUTER',
  right: 'JOIN_TYPE_RIGHT_OUTER',
  rightouter: 'JOIN_TYPE_RIGHT_OUTER',
  right_outer: 'JOIN_TYPE_RIGHT_OUTER',
  full: 'JOIN_TYPE_FULL_OUTER',
  outer: 'JOIN_TYPE_FULL_OUTER',
  fullouter: 'JOIN_TYPE_FULL_OUTER',
  full_outer: 'JOIN_TYPE_FULL_OUTER',
  semi: 'JOIN_TYPE_LEFT_SEMI',
  leftsemi: 'JOIN_TYPE_LEFT_SEMI',
  left_semi: 'JOIN_TYPE_LEFT_SEMI',
  anti: 'JOIN_TYPE_LEFT_ANTI',
  leftanti: 'JOIN_TYPE_LEFT_ANTI',
  left_anti: 'JOIN_TYPE_LEFT_ANTI',
};

/** What `explain` prints: Spark's explain modes. */
export type ExplainMode = 'simple' | 'extended' | 'codegen' | 'cost' | 'formatted';

const EXPLAIN_MODES: Record<ExplainMode, ExplainModeMsg> = {
  simple: 'EXPLAIN_MODE_SIMPLE',
  extended: 'EXPLAIN_MODE_EXTENDED',
  codegen: 'EXPLAIN_MODE_CODEGEN',
  cost: 'EXPLAIN_MODE_COST',
  formatted: 'EXPLAIN_MODE_FORMATTED',
};

/**
 * A lazy Spark query. Transformations build a new DataFrame; actions (count, collect, show...)
 * send the plan to Spark. Expressions are Columns (`col('x').gt(1)`, see the functions module)
 * or Spark SQL strings where a method says so.
 */
export class DataFrame {
  readonly #ctx: SessionContext;
  /** @internal The Spark Connect relation this DataFrame stands for. */
  readonly plan: Relation;

  private constructor(ctx: SessionContext, plan: Relation) {
    this.#ctx = ctx;
    this.plan = plan;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext, plan: Relation): DataFrame {
    return new DataFrame(ctx, plan);
  }

  #derive(rel: Omit<Relation, 'common'>): DataFrame {
    return DataFrame.create(this.#ctx, this.#ctx.relation(rel));
  }

  #sameSession(method: string, other: unknown): asserts other is DataFrame {
    if (!(other instanceof DataFrame)) throw new InvalidArgumentError(`${method}(other) must be a DataFrame, got ${describe(other)}`);
    if (other.#ctx !== this.#ctx) throw new InvalidArgumentError(`${method}(other): the DataFrames belong to different sessions`);
  }

  #group(method: string, groupType: GroupType, columns: readonly ColumnOrName[]): GroupedData {
    const grouping = columns.map((c, i) => columnExpr(c, `${method}(): column ${i + 1}`));
    return GroupedData.create(this.#ctx, this.plan, grouping, groupType);
  }

  #setOp(
    method: string,
    other: DataFrame,
    setOpType: 'SET_OP_TYPE_UNION' | 'SET_OP_TYPE_INTERSECT' | 'SET_OP_TYPE_EXCEPT',
    isAll: boolean,
    byName = false,
    allowMissingColumns = false,
  ): DataFrame {
    this.#sameSession(method, other);
    return this.#derive({ setOp: { leftInput: this.plan, rightInput: other.plan, setOpType, isAll, byName, allowMissingColumns } });
  }

  #dedupe(method: string, columns: readonly string[], withinWatermark: boolean): DataFrame {
    columns.forEach((c, i) => checkNonEmptyString(c, `${method}(): column ${i + 1}`));
    return this.#derive({
      deduplicate: {
        input: this.plan,
        columnNames: [...columns],
        allColumnsAsKeys: columns.length === 0,
        ...(withinWatermark ? { withinWatermark } : {}),
      },
    });
  }

  /** Columns by name (`'*'` for all, `'t.*'`) or as Columns: `select('id', col('x').plus(1).alias('y'))`. */
  select(...columns: ColumnOrName[]): DataFrame {
    const expressions = columns.map((c, i) => columnExpr(c, `select(): column ${i + 1}`));
    return this.#derive({ project: { input: this.plan, expressions } });
  }

  /** SQL expressions, e.g. `selectExpr('id * 2 AS twice')`. */
  selectExpr(...expressions: string[]): DataFrame {
    requireStrings('selectExpr', expressions);
    return this.#derive({ project: { input: this.plan, expressions: expressions.map(sqlExpr) } });
  }

  /** Keep rows matching a condition: a Column (`col('id').mod(2).eq(0)`) or SQL (`'id % 2 = 0'`). */
  filter(condition: Column | string): DataFrame {
    return this.#derive({ filter: { input: this.plan, condition: exprOrSql('filter(condition)', condition) } });
  }

  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  /** Add or replace a column: a Column, or a SQL expression (`withColumn('sq', 'id * id')`). */
  withColumn(name: string, expression: Column | string): DataFrame {
    requireStrings('withColumn', [name]);
    return this.withColumns({ [name]: expression });
  }

  /** Add or replace several columns at once: `withColumns({ a: col('x').plus(1), b: 'x * 2' })`. */
  withColumns(columns: Readonly<Record<string, Column | string>>): DataFrame {
    checkObject(columns, 'withColumns(columns)');
    const aliases = Object.entries(columns).map(([name, e]) => ({ expr: exprOrSql(`withColumns(): "${name}"`, e), name: [name] }));
    if (aliases.length === 0) throw new InvalidArgumentError('withColumns(columns): give at least one column');
    return this.#derive({ withColumns: { input: this.plan, aliases } });
  }

  withColumnRenamed(existing: string, newName: string): DataFrame {
    return this.withColumnsRenamed({ [requireName('withColumnRenamed(existing)', existing)]: requireName('withColumnRenamed(newName)', newName) });
  }

  /** Rename columns: `withColumnsRenamed({ old: 'new' })`; names not present are ignored, as in Spark. */
  withColumnsRenamed(renames: Readonly<Record<string, string>>): DataFrame {
    checkObject(renames, 'withColumnsRenamed(renames)');
    const list = Object.entries(renames).map(([colName, newColName]) => ({
      colName,
      newColName: requireName(`withColumnsRenamed(): new name of "${colName}"`, newColName),
    }));
    return this.#derive({ withColumnsRenamed: { input: this.plan, renames: list } });
  }

  /** Drop columns by name or Column; names not present are ignored, as in Spark. */
  drop(...columns: ColumnOrName[]): DataFrame {
    const names: string[] = [];
    const exprs: Expression[] = [];
    columns.forEach((c, i) => {
      if (typeof c === 'string') names.push(requireName(`drop(): column ${i + 1}`, c));
      else exprs.push(columnOnly(c, `drop(): column ${i + 1}`));
    });
    return this.#derive({ drop: { input: this.plan, columns: exprs, columnNames: names } });
  }

  /** A column of this DataFrame, tied to it: tells apart same-named columns of a join's sides. */
  col(name: string): Column {
    requireName('col(name)', name);
    return Column.create(nameExpr(name, this.plan.common?.planId));
  }

  /** Name this DataFrame, so columns can be written `alias.column` (e.g. in a self-join). */
  alias(name: string): DataFrame {
    return this.#derive({ subqueryAlias: { input: this.plan, alias: requireName('alias(name)', name) } });
  }

  as(name: string): DataFrame {
    return this.alias(name);
  }

  // --- aggregation ----------------------------------------------------------------------------

  /** Group rows for `agg`, `count`, `sum`...: `groupBy('dept')`, `groupBy(col('ts').cast('date'))`. */
  groupBy(...columns: ColumnOrName[]): GroupedData {
    return this.#group('groupBy', 'GROUP_TYPE_GROUPBY', columns);
  }

  /** Grouping sets for each prefix of the columns, down to the grand total. */
  rollup(...columns: ColumnOrName[]): GroupedData {
    return this.#group('rollup', 'GROUP_TYPE_ROLLUP', columns);
  }

  /** Grouping sets for every combination of the columns. */
  cube(...columns: ColumnOrName[]): GroupedData {
    return this.#group('cube', 'GROUP_TYPE_CUBE', columns);
  }

  /** Aggregates over all rows: `agg(count(), max('x'))`. */
  agg(aggregate: Column, ...more: Column[]): DataFrame {
    return this.groupBy().agg(aggregate, ...more);
  }

  // --- joins and set operations ---------------------------------------------------------------

  /**
   * Join with another DataFrame of this session: on column names both sides have
   * (`join(o, 'id')`, `join(o, ['a', 'b'])`, which keeps one copy of them), on a condition
   * (`join(o, a.col('id').eq(o.col('id')))`), or without either for a cross product.
   */
  join(other: DataFrame, on?: string | readonly string[] | Column, how: JoinType = 'inner'): DataFrame {
    this.#sameSession('join', other);
    checkOneOf(how, 'join(how)', Object.keys(JOIN_TYPES) as JoinType[]);
    let usingColumns: string[] = [];
    let joinCondition: Expression | undefined;
    if (typeof on === 'string') usingColumns = [requireName('join(on)', on)];
    else if (Array.isArray(on)) usingColumns = (on as readonly unknown[]).map((c, i) => requireName(`join(on[${i}])`, c));
    else if (on instanceof Column) joinCondition = on.expr;
    else if (on !== undefined) throw new InvalidArgumentError(`join(on) must be a column name, an array of names or a Column, got ${describe(on)}`);
    return this.#derive({
      join: { left: this.plan, right: other.plan, joinType: JOIN_TYPES[how], usingColumns, ...(joinCondition ? { joinCondition } : {}) },
    });
  }

  /** Every row of this DataFrame with every row of the other. */
  crossJoin(other: DataFrame): DataFrame {
    return this.join(other, undefined, 'cross');
  }

  /** Rows of both, by position of the columns (SQL's UNION ALL: duplicates kept). */
  union(other: DataFrame): DataFrame {
    return this.#setOp('union', other, 'SET_OP_TYPE_UNION', true);
  }

  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  /** Rows of both, matching columns by name; `allowMissingColumns` fills a side's missing ones with nulls. */
  unionByName(other: DataFrame, options: { allowMissingColumns?: boolean } = {}): DataFrame {
    checkObject(options, 'unionByName(options)');
    return this.#setOp('unionByName', other, 'SET_OP_TYPE_UNION', true, true, options.allowMissingColumns === true);
  }

  /** Distinct rows present in both. */
  intersect(other: DataFrame): DataFrame {
    return this.#setOp('intersect', other, 'SET_OP_TYPE_INTERSECT', false);
  }

  /** Distinct rows of this one not in the other (SQL's EXCEPT). */
  subtract(other: DataFrame): DataFrame {
    return this.#setOp('subtract', other, 'SET_OP_TYPE_EXCEPT', false);
  }

  // --- order, duplicates, partitions ----------------------------------------------------------

  /** Sort by names (ascending) or Columns (`col('x').desc()`, `desc('x')`, `col('y').ascNullsLast()`). */
  orderBy(...columns: ColumnOrName[]): DataFrame {
    if (columns.length === 0) throw new InvalidArgumentError('orderBy(): give at least one column');
    return this.#derive({ sort: { input: this.plan, order: sortOrders('orderBy', columns), isGlobal: true } });
  }

  sort(...columns: ColumnOrName[]): DataFrame {
    return this.orderBy(...columns);
  }

  /** Sort within each partition only (no shuffle). */
  sortWithinPartitions(...columns: ColumnOrName[]): DataFrame {
    if (columns.length === 0) throw new InvalidArgumentError('sortWithinPartitions(): give at least one column');
    return this.#derive({ sort: { input: this.plan, order: sortOrders('sortWithinPartitions', columns), isGlobal: false } });
  }

  /** Distinct rows. */
  distinct(): DataFrame {
    return this.#derive({ deduplicate: { input: this.plan, columnNames: [], allColumnsAsKeys: true } });
  }

  /** One row per distinct value of the columns (of all columns without any). In a stream, state grows without a watermark. */
  dropDuplicates(...columns: string[]): DataFrame {
    return this.#dedupe('dropDuplicates', columns, false);
  }

  /**
   * In a stream with a watermark, one row per distinct value of the columns among rows whose
   * event times are within the watermark's delay of each other; state older than that is dropped.
   * Spark 3.5 and later; throws SparkError on a server whose protos lack it.
   */
  dropDuplicatesWithinWatermark(...columns: string[]): DataFrame {
    if (!this.#ctx.client.protoHasField('spark.connect.Deduplicate', 'withinWatermark')) {
      throw new SparkError(
        `dropDuplicatesWithinWatermark() needs Spark 3.5 or later; the server runs Spark ${this.#ctx.sparkVersion}, ` +
          'whose Spark Connect has no Deduplicate.within_watermark',
      );
    }
    return this.#dedupe('dropDuplicatesWithinWatermark', columns, true);
  }

  /**
   * Declare `eventTime`'s watermark for a streaming query: rows later than the latest event time
   * seen minus `delayThreshold` (e.g. '10 seconds') may be dropped, and state older is released.
   */
  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    return this.#derive({
      withWatermark: {
        input: this.plan,
        eventTime: requireName('withWatermark(eventTime)', eventTime),
        delayThreshold: requireName('withWatermark(delayThreshold)', delayThreshold),
      },
    });
  }

  /**
   * Reshuffle into partitions: `repartition(8)`, by hash of columns (`repartition(8, 'k')`,
   * `repartition('k')`, the number then being spark.sql.shuffle.partitions).
   */
  repartition(numPartitions: number, ...columns: ColumnOrName[]): DataFrame;
  repartition(...columns: ColumnOrName[]): DataFrame;
  repartition(...args: (number | ColumnOrName)[]): DataFrame {
    const [head, ...rest] = args;
    const n = typeof head === 'number' ? head : undefined;
    if (n !== undefined) checkIntegerInRange(n, 'repartition(numPartitions)', 1, 2 ** 31 - 1);
    const columns = n === undefined ? args : rest;
    if (n !== undefined && columns.length === 0) return this.#derive({ repartition: { input: this.plan, numPartitions: n, shuffle: true } });
    if (columns.length === 0) throw new InvalidArgumentError('repartition(): give a number of partitions, columns, or both');
    const partitionExprs = columns.map((c, i) => columnExpr(c, `repartition(): column ${i + 1}`));
    return this.#derive({ repartitionByExpression: { input: this.plan, partitionExprs, ...(n === undefined ? {} : { numPartitions: n }) } });
  }

  /** Fewer partitions without a shuffle. */
  coalesce(numPartitions: number): DataFrame {
    checkIntegerInRange(numPartitions, 'coalesce(numPartitions)', 1, 2 ** 31 - 1);
    return this.#derive({ repartition: { input: this.plan, numPartitions, shuffle: false } });
  }

  /** Replacing or dropping nulls: `df.na.fill(0)`, `df.na.drop()`. */
  get na(): DataFrameNaFunctions {
    return DataFrameNaFunctions.create(this.#ctx, this.plan);
  }

  limit(n: number): DataFrame {
    checkIntegerInRange(n, 'limit(n): n', 0, 2 ** 31 - 1);
    return this.#derive({ limit: { input: this.plan, limit: n } });
  }

  async count(): Promise<number> {
    const rel = this.#ctx.relation({
      aggregate: { input: this.plan, groupType: 'GROUP_TYPE_GROUPBY', aggregateExpressions: [sqlExpr('count(1) AS count')] },
    });
    const table = await collectTable(this.#ctx.client.execute({ root: rel }));
    return Number(table.getChildAt(0)?.get(0) ?? 0);
  }

  /** The whole result as one Arrow Table, assembled from the batches Spark streams. */
  collect(): Promise<Table> {
    return collectTable(this.#ctx.client.execute({ root: this.plan }));
  }

  toArrow(): Promise<Table> {
    return this.collect();
  }

  /** The result batch by batch, for results too large to hold at once. */
  toArrowBatches(): AsyncIterable<RecordBatch> {
    return arrowBatches(this.#ctx.client.execute({ root: this.plan }));
  }

  async schema(): Promise<StructType> {
    const res = await this.#ctx.client.analyze({ schema: { plan: { root: this.plan } } });
    return structType(res.schema?.schema);
  }

  /** Print the first rows as Spark formats them, and return that text. */
  async show(numRows = 20, truncate: boolean | number = true): Promise<string> {
    const rel = this.#ctx.relation({
      showString: { input: this.plan, numRows, truncate: truncate === true ? 20 : truncate === false ? 0 : truncate, vertical: false },
    });
    const table = await collectTable(this.#ctx.client.execute({ root: rel }));
    const text = String(table.getChildAt(0)?.get(0) ?? '');
    process.stdout.write(text);
    return text;
  }

  /** The column names, in order. */
  async columns(): Promise<string[]> {
    return (await this.schema()).fields.map((f) => f.name);
  }

  /**
   * Spark's plan for this query (`'simple'`, or `'extended'`, `'formatted'`, `'codegen'`,
   * `'cost'`; `true` is 'extended'): printed, and returned.
   */
  async explain(mode: ExplainMode | boolean = 'simple'): Promise<string> {
    const m: ExplainMode = mode === true ? 'extended' : mode === false ? 'simple' : mode;
    checkOneOf(m, 'explain(mode)', Object.keys(EXPLAIN_MODES) as ExplainMode[]);
    const res = await this.#ctx.client.analyze({ explain: { plan: { root: this.plan }, explainMode: EXPLAIN_MODES[m] } });
    const text = res.explain?.explainString ?? '';
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return text;
  }

  async isStreaming(): Promise<boolean> {
    const res = await this.#ctx.client.analyze({ isStreaming: { plan: { root: this.plan } } });
    return res.isStreaming?.isStreaming ?? false;
  }

  /** Name this DataFrame for SQL in this session: `spark.sql('SELECT * FROM name')`. */
  async createOrReplaceTempView(name: string): Promise<void> {
    requireStrings('createOrReplaceTempView', [name]);
    await this.#ctx.client.command({
      command: { createDataframeView: { input: this.plan, name, isGlobal: false, replace: true } },
    });
  }

  get write(): DataFrameWriter {
    return DataFrameWriter.create(this.#ctx, this.plan);
  }

  get writeStream(): DataStreamWriter {
    return DataStreamWriter.create(this.#ctx, this.plan);
  }
}

export function sqlExpr(expression: string): Expression {
  return { expressionString: { expression } };
}

function requireStrings(method: string, values: unknown[]): void {
  values.forEach((v, i) => checkNonEmptyString(v, `${method}(): argument ${i + 1}`));
}

function requireName(where: string, value: unknown): string {
  checkNonEmptyString(value, where);
  return value;
}

/** A Column, or a SQL expression string. */
function exprOrSql(where: string, value: unknown): Expression {
  if (value instanceof Column) return value.expr;
  if (typeof value === 'string' && value.trim()) return sqlExpr(value);
  throw new InvalidArgumentError(`${where} must be a Column or a SQL expression string, got ${describe(value)}`);
}
