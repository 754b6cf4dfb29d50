import { checkNonEmptyString, checkObject, InvalidArgumentError } from '../../runtime/base/index.js';
import { call, Column, nameExpr } from './column.js';
import type { SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import { describe } from './literal.js';
import type { Expression, GroupType, Relation } from './messages.js';

/** The aggregate functions `agg({ column: 'fn' })` accepts, by the names PySpark and Scala take. */
const AGG_BY_NAME = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  mean: 'mean',
  min: 'min',
  max: 'max',
  first: 'first',
  last: 'last',
  stddev: 'stddev',
  variance: 'variance',
  collect_list: 'collect_list',
  collect_set: 'collect_set',
} as const;

export type AggregateName = keyof typeof AGG_BY_NAME;

/**
 * Rows grouped by `groupBy` (or `rollup`, `cube`), waiting for their aggregates:
 * `df.groupBy('dept').agg(sum('salary').alias('total'), count())`.
 */
export class GroupedData {
  readonly #ctx: SessionContext;
  readonly #input: Relation;
  readonly #grouping: readonly Expression[];
  readonly #groupType: GroupType;

  private constructor(ctx: SessionContext, input: Relation, grouping: readonly Expression[], groupType: GroupType) {
    this.#ctx = ctx;
    this.#input = input;
    this.#grouping = grouping;
    this.#groupType = groupType;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext, input: Relation, grouping: readonly Expression[], groupType: GroupType): GroupedData {
    return new GroupedData(ctx, input, grouping, groupType);
  }

  /**
   * The grouping columns followed by one column per aggregate: `agg(sum('x'), max('y'))`, or by
   * column and function name: `agg({ x: 'sum', y: 'max' })`.
   */
  agg(aggregates: Readonly<Record<string, AggregateName>>): DataFrame;
  agg(aggregate: Column, ...more: Column[]): DataFrame;
  agg(first: Column | Readonly<Record<string, AggregateName>>, ...more: Column[]): DataFrame {
    if (first instanceof Column) {
      const all = [first, ...more];
      all.forEach((c, i) => {
        if (!(c instanceof Column)) throw new InvalidArgumentError(`agg(): aggregate ${i + 1} must be a Column, got ${describe(c)}`);
      });
      return this.#aggregate(all.map((c) => c.expr));
    }
    checkObject(first, 'agg(aggregates)');
    if (more.length > 0) throw new InvalidArgumentError('agg(): pass either Columns or one { column: function } object');
    const entries = Object.entries(first);
    if (entries.length === 0) throw new InvalidArgumentError('agg(aggregates): give at least one { column: function } entry');
    return this.#aggregate(
      entries.map(([column, name]) => {
        const fnName = AGG_BY_NAME[name as AggregateName];
        if (!fnName || !Object.hasOwn(AGG_BY_NAME, name)) {
          throw new InvalidArgumentError(`agg(aggregates): "${column}" has ${describe(name)}; expected one of ${Object.keys(AGG_BY_NAME).join(', ')}`);
        }
        return call(fnName, [column === '*' && fnName === 'count' ? { literal: { integer: 1 } } : nameExpr(column)]).expr;
      }),
    );
  }

  /** Rows per group, as a column named `count`. */
  count(): DataFrame {
    return this.#aggregate([call('count', [{ literal: { integer: 1 } }]).alias('count').expr]);
  }

  sum(column: string, ...more: string[]): DataFrame {
    return this.#each('sum', [column, ...more]);
  }

  avg(column: string, ...more: string[]): DataFrame {
    return this.#each('avg', [column, ...more]);
  }

  mean(column: string, ...more: string[]): DataFrame {
    return this.#each('avg', [column, ...more], 'mean');
  }

  min(column: string, ...more: string[]): DataFrame {
    return this.#each('min', [column, ...more]);
  }

  max(column: string, ...more: string[]): DataFrame {
    return this.#each('max', [column, ...more]);
  }

  #each(fn: 'sum' | 'avg' | 'min' | 'max', columns: readonly string[], method: string = fn): DataFrame {
    columns.forEach((c, i) => checkNonEmptyString(c, `${method}(): column ${i + 1}`));
    return this.#aggregate(columns.map((c) => call(fn, [nameExpr(c)]).expr));
  }

  #aggregate(aggregateExpressions: Expression[]): DataFrame {
    return DataFrame.create(
      this.#ctx,
      this.#ctx.relation({
        aggregate: { input: this.#input, groupType: this.#groupType, groupingExpressions: [...this.#grouping], aggregateExpressions },
      }),
    );
  }
}
