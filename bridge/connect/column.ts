import { checkNonEmptyString, InvalidArgumentError } from '../../runtime/base/index.js';
import { describe, isLiteralValue, literalExpression, type LiteralValue } from './literal.js';
import type { Expression, NullOrdering, SortDirection, SortOrder } from './messages.js';
import type { SparkFunctionName } from './builtin-functions.js';
import { WindowSpec } from './window.js';

/** A column by name (`'age'`, `'t.age'`, `'*'`, `'t.*'`) or a Column. */
export type ColumnOrName = Column | string;

/** A Column, or a plain JS value taken as a literal (in operators a string is a literal, not a name). */
export type ColumnOrLiteral = Column | LiteralValue;

/**
 * An expression over a DataFrame's rows, built with `col()`, `lit()`, `expr()` and the functions
 * module, and combined with the methods below. Columns are immutable; each method returns a new
 * one. Spark resolves names and types when the query runs, so mistakes surface then, as SparkError.
 */
export class Column {
  /** @internal The Spark Connect expression this Column stands for. */
  readonly expr: Expression;

  private constructor(expr: Expression) {
    this.expr = expr;
  }

  /** @internal Made by the library only. */
  static create(expr: Expression): Column {
    return new Column(expr);
  }

  // --- arithmetic ---------------------------------------------------------------------------

  plus(other: ColumnOrLiteral): Column {
    return this.#binary('+', other, 'plus');
  }

  minus(other: ColumnOrLiteral): Column {
    return this.#binary('-', other, 'minus');
  }

  multiply(other: ColumnOrLiteral): Column {
    return this.#binary('*', other, 'multiply');
  }

  /** Spark's `/`: always a fractional result (double or decimal). */
  divide(other: ColumnOrLiteral): Column {
    return this.#binary('/', other, 'divide');
  }

  /** Spark's `%`: the remainder, with the sign of the dividend. */
  mod(other: ColumnOrLiteral): Column {
    return this.#binary('%', other, 'mod');
  }

  negate(): Column {
    return call('negative', [this.expr]);
  }

  // --- comparison ---------------------------------------------------------------------------

  eq(other: ColumnOrLiteral): Column {
    return this.#binary('==', other, 'eq');
  }

  /** Not equal; like SQL's `!=`, null when either side is null. */
  ne(other: ColumnOrLiteral): Column {
    return call('not', [this.eq(other).expr]);
  }

  lt(other: ColumnOrLiteral): Column {
    return this.#binary('<', other, 'lt');
  }

  le(other: ColumnOrLiteral): Column {
    return this.#binary('<=', other, 'le');
  }

  gt(other: ColumnOrLiteral): Column {
    return this.#binary('>', other, 'gt');
  }

  ge(other: ColumnOrLiteral): Column {
    return this.#binary('>=', other, 'ge');
  }

  /** SQL's `<=>`: equal, with null equal to null (never null itself). */
  eqNullSafe(other: ColumnOrLiteral): Column {
    return this.#binary('<=>', other, 'eqNullSafe');
  }

  /** `lower <= this AND this <= upper`. */
  between(lower: ColumnOrLiteral, upper: ColumnOrLiteral): Column {
    return this.ge(lower).and(this.le(upper));
  }

  // --- boolean ------------------------------------------------------------------------------

  and(other: ColumnOrLiteral): Column {
    return this.#binary('and', other, 'and');
  }

  or(other: ColumnOrLiteral): Column {
    return this.#binary('or', other, 'or');
  }

  not(): Column {
    return call('not', [this.expr]);
  }

  // --- null tests, membership, patterns -----------------------------------------------------

  isNull(): Column {
    return call('isnull', [this.expr]);
  }

  isNotNull(): Column {
    return call('isnotnull', [this.expr]);
  }

  /** SQL's `IN`: `isin(1, 2, 3)` or `isin([1, 2, 3])`. */
  isin(...values: (ColumnOrLiteral | readonly LiteralValue[])[]): Column {
    const list = values.length === 1 && Array.isArray(values[0]) ? (values[0] as readonly unknown[]) : values;
    if (list.length === 0) throw new InvalidArgumentError('isin(): give at least one value');
    return call('in', [this.expr, ...list.map((v, i) => valueExpr(v, `isin(): value ${i + 1}`))]);
  }

  /** SQL's LIKE: `_` one character, `%` any run of characters. */
  like(pattern: string): Column {
    return call('like', [this.expr, stringLiteral(pattern, 'like(pattern)')]);
  }

  /** Case-insensitive LIKE. */
  ilike(pattern: string): Column {
    return call('ilike', [this.expr, stringLiteral(pattern, 'ilike(pattern)')]);
  }

  /** A Java regular expression matched anywhere in the value. */
  rlike(pattern: string): Column {
    return call('rlike', [this.expr, stringLiteral(pattern, 'rlike(pattern)')]);
  }

  startsWith(prefix: ColumnOrLiteral): Column {
    return this.#binary('startswith', prefix, 'startsWith');
  }

  endsWith(suffix: ColumnOrLiteral): Column {
    return this.#binary('endswith', suffix, 'endsWith');
  }

  contains(other: ColumnOrLiteral): Column {
    return this.#binary('contains', other, 'contains');
  }

  /** The substring from 1-based `pos`, `len` characters long. */
  substr(pos: number | Column, len: number | Column): Column {
    return call('substr', [this.expr, valueExpr(pos, 'substr(pos)'), valueExpr(len, 'substr(len)')]);
  }

  // --- naming, types, nested values ---------------------------------------------------------

  /** Name the result column (several names for a generator that makes several columns). */
  alias(name: string, ...more: string[]): Column {
    const names = [name, ...more];
    names.forEach((n, i) => checkNonEmptyString(n, `alias(): name ${i + 1}`));
    return Column.create({ alias: { expr: this.expr, name: names } });
  }

  as(name: string, ...more: string[]): Column {
    return this.alias(name, ...more);
  }

  /** Convert to a Spark SQL type, e.g. `cast('int')`, `cast('decimal(10,2)')`, `cast('array<string>')`. */
  cast(type: string): Column {
    checkNonEmptyString(type, 'cast(type)');
    return Column.create({ cast: { expr: this.expr, typeStr: type } });
  }

  /** A field of a struct. */
  getField(name: string): Column {
    checkNonEmptyString(name, 'getField(name)');
    return Column.create({ unresolvedExtractValue: { child: this.expr, extraction: { literal: { string: name } } } });
  }

  /** An element of an array (0-based) or the value of a map key. */
  getItem(key: LiteralValue): Column {
    return Column.create({ unresolvedExtractValue: { child: this.expr, extraction: literalExpression(key, 'getItem(key)') } });
  }

  // --- sort orders --------------------------------------------------------------------------

  /** Ascending, nulls first (Spark's default for ascending). */
  asc(): Column {
    return this.#sort('SORT_DIRECTION_ASCENDING', 'SORT_NULLS_FIRST');
  }

  ascNullsFirst(): Column {
    return this.#sort('SORT_DIRECTION_ASCENDING', 'SORT_NULLS_FIRST');
  }

  ascNullsLast(): Column {
    return this.#sort('SORT_DIRECTION_ASCENDING', 'SORT_NULLS_LAST');
  }

  /** Descending, nulls last (Spark's default for descending). */
  desc(): Column {
    return this.#sort('SORT_DIRECTION_DESCENDING', 'SORT_NULLS_LAST');
  }

  descNullsFirst(): Column {
    return this.#sort('SORT_DIRECTION_DESCENDING', 'SORT_NULLS_FIRST');
  }

  descNullsLast(): Column {
    return this.#sort('SORT_DIRECTION_DESCENDING', 'SORT_NULLS_LAST');
  }

  // --- CASE WHEN, windows -------------------------------------------------------------------

  /** Another branch of a `when(...)` chain. */
  when(condition: Column, value: ColumnOrLiteral): Column {
    const args = this.#whenArgs('when');
    return call('when', [...args, columnOnly(condition, 'when(condition)'), valueExpr(value, 'when(value)')]);
  }

  /** The value of a `when(...)` chain when no branch matched (null without it). */
  otherwise(value: ColumnOrLiteral): Column {
    const args = this.#whenArgs('otherwise');
    return call('when', [...args, valueExpr(value, 'otherwise(value)')]);
  }

  /** This aggregate or window function evaluated over a window: `rowNumber().over(Window.orderBy('t'))`. */
  over(window: WindowSpec): Column {
    if (!(window instanceof WindowSpec)) {
      throw new InvalidArgumentError(`over(window): expected a WindowSpec (Window.partitionBy(...)...), got ${describe(window)}`);
    }
    return Column.create({ window: window.windowExpression(this.expr) });
  }

  /** @internal As a sort order: its own when it is one, else ascending. */
  sortOrder(): SortOrder {
    return this.expr.sortOrder ?? this.asc().expr.sortOrder!;
  }

  #binary(fn: SparkFunctionName, other: ColumnOrLiteral, method: string): Column {
    return call(fn, [this.expr, valueExpr(other, `${method}(other)`)]);
  }

  #sort(direction: SortDirection, nullOrdering: NullOrdering): Column {
    // Sorting a sort order again re-sorts its child, as in Spark.
    const child = this.expr.sortOrder?.child ?? this.expr;
    return Column.create({ sortOrder: { child, direction, nullOrdering } });
  }

  #whenArgs(method: string): Expression[] {
    const f = this.expr.unresolvedFunction;
    // A when chain holds (condition, value) pairs; an odd count means otherwise() was called.
    if (f?.functionName !== 'when' || f.arguments.length % 2 !== 0) {
      throw new InvalidArgumentError(`${method}() follows when(condition, value) (or another .when()), and nothing follows otherwise()`);
    }
    return f.arguments;
  }
}

/** @internal A call of a built-in function: its name is checked against Spark's own list when compiling. */
export function call(name: SparkFunctionName, args: Expression[], isDistinct = false): Column {
  return Column.create({ unresolvedFunction: { functionName: name, arguments: args, ...(isDistinct ? { isDistinct } : {}) } });
}

/** @internal A column name as an expression: `*` and `t.*` are stars, the rest attributes. */
export function nameExpr(name: string, planId?: string | number): Expression {
  const id = planId === undefined ? {} : { planId };
  if (name === '*') return { unresolvedStar: { ...id } };
  if (name.endsWith('.*')) return { unresolvedStar: { unparsedTarget: name, ...id } };
  return { unresolvedAttribute: { unparsedIdentifier: name, ...id } };
}

/** @internal A Column, or a name: the argument of most functions. */
export function columnExpr(value: unknown, where: string): Expression {
  if (value instanceof Column) return value.expr;
  if (typeof value === 'string' && value.length > 0) return nameExpr(value);
  throw new InvalidArgumentError(`${where} must be a Column or a column name, got ${describe(value)}`);
}

/** @internal A Column, or a JS value taken as a literal. */
export function valueExpr(value: unknown, where: string): Expression {
  if (value instanceof Column) return value.expr;
  if (isLiteralValue(value)) return literalExpression(value, where);
  throw new InvalidArgumentError(`${where} must be a Column or a literal value, got ${describe(value)}`);
}

/** @internal A Column and nothing else (conditions, where a string would be ambiguous). */
export function columnOnly(value: unknown, where: string): Expression {
  if (value instanceof Column) return value.expr;
  throw new InvalidArgumentError(`${where} must be a Column (e.g. col('x').gt(1)), got ${describe(value)}`);
}

function stringLiteral(value: unknown, where: string): Expression {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${where} must be a string, got ${describe(value)}`);
  return { literal: { string: value } };
}
