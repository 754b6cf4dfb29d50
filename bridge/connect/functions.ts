import { checkNonEmptyString, checkIntegerInRange, InvalidArgumentError } from '../../runtime/base/index.js';
import { BUILTIN_FUNCTIONS_VERSION, isBuiltinFunction, type SparkFunctionName } from './builtin-functions.js';
import { call, Column, columnExpr, columnOnly, nameExpr, valueExpr, type ColumnOrLiteral, type ColumnOrName } from './column.js';
import { describe, isLiteralValue, literalExpression, type LiteralValue } from './literal.js';
import type { Expression } from './messages.js';

// Spark's built-in functions as typed calls. Names are camelCase; each says which Spark function
// it calls. Column arguments take a Column or a column name; literal arguments (formats, counts,
// patterns) take plain values. Every Spark function, typed here or not, is reachable through
// `fn(name, ...args)`, whose name is checked against the function list generated at set-up.

/** An argument of `fn()`/`callFunction()`: a Column, a column name, or a non-string literal. */
export type FunctionArg = Column | string | number | bigint | boolean | null | Date | Uint8Array;

// --- columns, literals, SQL, generic calls ------------------------------------------------------

/** A column by name: `col('age')`, `col('t.age')`, `col('*')`. */
export function col(name: string): Column {
  checkNonEmptyString(name, 'col(name)');
  return Column.create(nameExpr(name));
}

/** Same as `col`. */
export function column(name: string): Column {
  return col(name);
}

/** A literal value (a Column is returned as it is). */
export function lit(value: ColumnOrLiteral): Column {
  if (value instanceof Column) return value;
  if (!isLiteralValue(value)) throw new InvalidArgumentError(`lit(value) must be a literal value or a Column, got ${describe(value)}`);
  return Column.create(literalExpression(value, 'lit(value)'));
}

/** A Spark SQL expression as a Column: `expr('price * qty AS total')`. */
export function expr(sql: string): Column {
  checkNonEmptyString(sql, 'expr(sql)');
  return Column.create({ expressionString: { expression: sql } });
}

/** The start of a CASE WHEN chain: `when(cond, v).when(cond2, v2).otherwise(v3)`. */
export function when(condition: Column, value: ColumnOrLiteral): Column {
  return call('when', [columnOnly(condition, 'when(condition)'), valueExpr(value, 'when(value)')]);
}

/**
 * Any built-in function of the pinned Spark by its Spark name: `fn('date_format', 'ts', lit('yyyy'))`.
 * Strings are column names (wrap string literals in `lit()`); numbers, booleans, null... are literals.
 * The name is checked against the function list read from Spark at set-up, when compiling and here.
 */
export function fn(name: SparkFunctionName, ...args: FunctionArg[]): Column {
  if (!isBuiltinFunction(name)) {
    throw new InvalidArgumentError(
      `fn(name): ${describe(name)} is not a built-in function of Spark ${BUILTIN_FUNCTIONS_VERSION}; ` +
        'call functions of your own (UDFs, catalog functions) with callFunction()',
    );
  }
  return call(name.toLowerCase() as SparkFunctionName, fnArgs(`fn('${name}')`, args));
}

/** A function that is not built in (a registered UDF, a catalog function, `db.fn`); its name is not checked. */
export function callFunction(name: string, ...args: FunctionArg[]): Column {
  checkNonEmptyString(name, 'callFunction(name)');
  return Column.create({ callFunction: { functionName: name, arguments: fnArgs(`callFunction('${name}')`, args) } });
}

function fnArgs(where: string, args: readonly unknown[]): Expression[] {
  return args.map((a, i) => (typeof a === 'string' ? columnExpr(a, `${where}: argument ${i + 1}`) : valueExpr(a, `${where}: argument ${i + 1}`)));
}

// --- sort orders ----------------------------------------------------------------------------

export function asc(column: ColumnOrName): Column {
  return Column.create(columnExpr(column, 'asc(column)')).asc();
}

export function desc(column: ColumnOrName): Column {
  return Column.create(columnExpr(column, 'desc(column)')).desc();
}

// --- aggregates -----------------------------------------------------------------------------

/** Spark's `count`: rows (no argument or `'*'`), or non-null values of a column. */
export function count(column?: ColumnOrName): Column {
  if (column === undefined || column === '*') return call('count', [{ literal: { integer: 1 } }]);
  return call('count', [columnExpr(column, 'count(column)')]);
}

/** Spark's `count(DISTINCT ...)`. */
export function countDistinct(column: ColumnOrName, ...more: ColumnOrName[]): Column {
  return call('count', cols('countDistinct', [column, ...more]), true);
}

/** Spark's `approx_count_distinct`, with its maximum relative standard deviation (default 0.05). */
export function approxCountDistinct(column: ColumnOrName, rsd?: number): Column {
  const args = [columnExpr(column, 'approxCountDistinct(column)')];
  if (rsd !== undefined) args.push(numberLit(rsd, 'approxCountDistinct(rsd)'));
  return call('approx_count_distinct', args);
}

export function sum(column: ColumnOrName): Column {
  return call('sum', [columnExpr(column, 'sum(column)')]);
}

/** Spark's `sum(DISTINCT ...)`. */
export function sumDistinct(column: ColumnOrName): Column {
  return call('sum', [columnExpr(column, 'sumDistinct(column)')], true);
}

export function avg(column: ColumnOrName): Column {
  return call('avg', [columnExpr(column, 'avg(column)')]);
}

/** Same as `avg`. */
export function mean(column: ColumnOrName): Column {
  return call('mean', [columnExpr(column, 'mean(column)')]);
}

export function min(column: ColumnOrName): Column {
  return call('min', [columnExpr(column, 'min(column)')]);
}

export function max(column: ColumnOrName): Column {
  return call('max', [columnExpr(column, 'max(column)')]);
}

/** Spark's `min_by`: the value of `column` at the row where `ordering` is smallest. */
export function minBy(column: ColumnOrName, ordering: ColumnOrName): Column {
  return call('min_by', cols('minBy', [column, ordering]));
}

/** Spark's `max_by`: the value of `column` at the row where `ordering` is largest. */
export function maxBy(column: ColumnOrName, ordering: ColumnOrName): Column {
  return call('max_by', cols('maxBy', [column, ordering]));
}

export function first(column: ColumnOrName, ignoreNulls = false): Column {
  return call('first', [columnExpr(column, 'first(column)'), boolLit(ignoreNulls, 'first(ignoreNulls)')]);
}

export function last(column: ColumnOrName, ignoreNulls = false): Column {
  return call('last', [columnExpr(column, 'last(column)'), boolLit(ignoreNulls, 'last(ignoreNulls)')]);
}

/** Spark's `collect_list`. */
export function collectList(column: ColumnOrName): Column {
  return call('collect_list', [columnExpr(column, 'collectList(column)')]);
}

/** Spark's `collect_set`. */
export function collectSet(column: ColumnOrName): Column {
  return call('collect_set', [columnExpr(column, 'collectSet(column)')]);
}

/** Sample standard deviation (Spark's `stddev`). */
export function stddev(column: ColumnOrName): Column {
  return call('stddev', [columnExpr(column, 'stddev(column)')]);
}

/** Sample variance (Spark's `variance`). */
export function variance(column: ColumnOrName): Column {
  return call('variance', [columnExpr(column, 'variance(column)')]);
}

// --- nulls and choices ----------------------------------------------------------------------

/** The first non-null argument. */
export function coalesce(...columns: ColumnOrName[]): Column {
  return call('coalesce', cols('coalesce', columns, 1));
}

export function greatest(...columns: ColumnOrName[]): Column {
  return call('greatest', cols('greatest', columns, 2));
}

export function least(...columns: ColumnOrName[]): Column {
  return call('least', cols('least', columns, 2));
}

export function isnan(column: ColumnOrName): Column {
  return call('isnan', [columnExpr(column, 'isnan(column)')]);
}

// --- strings --------------------------------------------------------------------------------

export function concat(...columns: ColumnOrName[]): Column {
  return call('concat', cols('concat', columns));
}

/** Spark's `concat_ws`: the columns joined by `separator`, skipping nulls. */
export function concatWs(separator: string, ...columns: ColumnOrName[]): Column {
  return call('concat_ws', [strLit(separator, 'concatWs(separator)'), ...cols('concatWs', columns)]);
}

export function lower(column: ColumnOrName): Column {
  return call('lower', [columnExpr(column, 'lower(column)')]);
}

export function upper(column: ColumnOrName): Column {
  return call('upper', [columnExpr(column, 'upper(column)')]);
}

/** Characters of a string (bytes of a binary). */
export function length(column: ColumnOrName): Column {
  return call('length', [columnExpr(column, 'length(column)')]);
}

/** `len` characters from the 1-based position `pos` (negative counts from the end). */
export function substring(column: ColumnOrName, pos: number, len: number): Column {
  return call('substring', [columnExpr(column, 'substring(column)'), intLit(pos, 'substring(pos)'), intLit(len, 'substring(len)')]);
}

export function trim(column: ColumnOrName): Column {
  return call('trim', [columnExpr(column, 'trim(column)')]);
}

export function ltrim(column: ColumnOrName): Column {
  return call('ltrim', [columnExpr(column, 'ltrim(column)')]);
}

export function rtrim(column: ColumnOrName): Column {
  return call('rtrim', [columnExpr(column, 'rtrim(column)')]);
}

/** Left-pad to `len` characters with `pad`. */
export function lpad(column: ColumnOrName, len: number, pad: string): Column {
  return call('lpad', [columnExpr(column, 'lpad(column)'), intLit(len, 'lpad(len)'), strLit(pad, 'lpad(pad)')]);
}

/** Right-pad to `len` characters with `pad`. */
export function rpad(column: ColumnOrName, len: number, pad: string): Column {
  return call('rpad', [columnExpr(column, 'rpad(column)'), intLit(len, 'rpad(len)'), strLit(pad, 'rpad(pad)')]);
}

export function initcap(column: ColumnOrName): Column {
  return call('initcap', [columnExpr(column, 'initcap(column)')]);
}

/** Spark's `regexp_replace` (Java regular expressions; `$1` refers to a group). */
export function regexpReplace(column: ColumnOrName, pattern: string, replacement: string): Column {
  return call('regexp_replace', [
    columnExpr(column, 'regexpReplace(column)'),
    strLit(pattern, 'regexpReplace(pattern)'),
    strLit(replacement, 'regexpReplace(replacement)'),
  ]);
}

/** Spark's `regexp_extract`: group `index` of the first match, or '' without one. */
export function regexpExtract(column: ColumnOrName, pattern: string, index: number): Column {
  return call('regexp_extract', [
    columnExpr(column, 'regexpExtract(column)'),
    strLit(pattern, 'regexpExtract(pattern)'),
    intLit(index, 'regexpExtract(index)'),
  ]);
}

/** Split around matches of a regular expression, into at most `limit` parts when limit > 0. */
export function split(column: ColumnOrName, pattern: string, limit?: number): Column {
  const args = [columnExpr(column, 'split(column)'), strLit(pattern, 'split(pattern)')];
  if (limit !== undefined) args.push(intLit(limit, 'split(limit)'));
  return call('split', args);
}

/** 1-based position of `substring` in the value, 0 when absent. */
export function instr(column: ColumnOrName, substring: string): Column {
  return call('instr', [columnExpr(column, 'instr(column)'), strLit(substring, 'instr(substring)')]);
}

// --- math -----------------------------------------------------------------------------------

export function abs(column: ColumnOrName): Column {
  return call('abs', [columnExpr(column, 'abs(column)')]);
}

export function sqrt(column: ColumnOrName): Column {
  return call('sqrt', [columnExpr(column, 'sqrt(column)')]);
}

/** Half-up rounding to `scale` decimal places (negative rounds left of the point). */
export function round(column: ColumnOrName, scale = 0): Column {
  return call('round', [columnExpr(column, 'round(column)'), intLit(scale, 'round(scale)')]);
}

export function floor(column: ColumnOrName): Column {
  return call('floor', [columnExpr(column, 'floor(column)')]);
}

export function ceil(column: ColumnOrName): Column {
  return call('ceil', [columnExpr(column, 'ceil(column)')]);
}

export function exp(column: ColumnOrName): Column {
  return call('exp', [columnExpr(column, 'exp(column)')]);
}

/** Natural logarithm. */
export function ln(column: ColumnOrName): Column {
  return call('ln', [columnExpr(column, 'ln(column)')]);
}

/** Logarithm in `base`. */
export function log(base: number, column: ColumnOrName): Column {
  return call('log', [numberLit(base, 'log(base)'), columnExpr(column, 'log(column)')]);
}

/** Spark's `power`. */
export function pow(base: ColumnOrName, exponent: ColumnOrName | number): Column {
  const e = typeof exponent === 'number' ? numberLit(exponent, 'pow(exponent)') : columnExpr(exponent, 'pow(exponent)');
  return call('power', [columnExpr(base, 'pow(base)'), e]);
}

/** Uniform random numbers in [0, 1); a seed makes them repeatable. */
export function rand(seed?: number): Column {
  return call('rand', seed === undefined ? [] : [intLit(seed, 'rand(seed)')]);
}

// --- dates and times ------------------------------------------------------------------------

/** Spark's `current_timestamp`: the query's start time, the same for every row. */
export function currentTimestamp(): Column {
  return call('current_timestamp', []);
}

/** Spark's `current_date`. */
export function currentDate(): Column {
  return call('current_date', []);
}

/** Spark's `to_date`, with an optional datetime pattern (`'yyyy-MM-dd'`). */
export function toDate(column: ColumnOrName, format?: string): Column {
  const args = [columnExpr(column, 'toDate(column)')];
  if (format !== undefined) args.push(strLit(format, 'toDate(format)'));
  return call('to_date', args);
}

/** Spark's `to_timestamp`, with an optional datetime pattern. */
export function toTimestamp(column: ColumnOrName, format?: string): Column {
  const args = [columnExpr(column, 'toTimestamp(column)')];
  if (format !== undefined) args.push(strLit(format, 'toTimestamp(format)'));
  return call('to_timestamp', args);
}

/** Spark's `date_format`: a date or timestamp as text in a datetime pattern. */
export function dateFormat(column: ColumnOrName, format: string): Column {
  return call('date_format', [columnExpr(column, 'dateFormat(column)'), strLit(format, 'dateFormat(format)')]);
}

export function year(column: ColumnOrName): Column {
  return call('year', [columnExpr(column, 'year(column)')]);
}

export function month(column: ColumnOrName): Column {
  return call('month', [columnExpr(column, 'month(column)')]);
}

export function dayofmonth(column: ColumnOrName): Column {
  return call('dayofmonth', [columnExpr(column, 'dayofmonth(column)')]);
}

/** 1 = Sunday ... 7 = Saturday. */
export function dayofweek(column: ColumnOrName): Column {
  return call('dayofweek', [columnExpr(column, 'dayofweek(column)')]);
}

export function dayofyear(column: ColumnOrName): Column {
  return call('dayofyear', [columnExpr(column, 'dayofyear(column)')]);
}

export function hour(column: ColumnOrName): Column {
  return call('hour', [columnExpr(column, 'hour(column)')]);
}

export function minute(column: ColumnOrName): Column {
  return call('minute', [columnExpr(column, 'minute(column)')]);
}

export function second(column: ColumnOrName): Column {
  return call('second', [columnExpr(column, 'second(column)')]);
}

/** Spark's `date_add`: `days` days after the date. */
export function dateAdd(column: ColumnOrName, days: number | Column): Column {
  return call('date_add', [columnExpr(column, 'dateAdd(column)'), daysArg(days, 'dateAdd(days)')]);
}

/** Spark's `date_sub`: `days` days before the date. */
export function dateSub(column: ColumnOrName, days: number | Column): Column {
  return call('date_sub', [columnExpr(column, 'dateSub(column)'), daysArg(days, 'dateSub(days)')]);
}

/** Days from `start` to `end`. */
export function datediff(end: ColumnOrName, start: ColumnOrName): Column {
  return call('datediff', cols('datediff', [end, start]));
}

/** Spark's `unix_timestamp`: seconds since the epoch, of now or of a column (parsed with `format`). */
export function unixTimestamp(column?: ColumnOrName, format?: string): Column {
  if (column === undefined) return call('unix_timestamp', []);
  const args = [columnExpr(column, 'unixTimestamp(column)')];
  if (format !== undefined) args.push(strLit(format, 'unixTimestamp(format)'));
  return call('unix_timestamp', args);
}

/** Spark's `from_unixtime`: epoch seconds as text (default pattern `yyyy-MM-dd HH:mm:ss`). */
export function fromUnixtime(column: ColumnOrName, format?: string): Column {
  const args = [columnExpr(column, 'fromUnixtime(column)')];
  if (format !== undefined) args.push(strLit(format, 'fromUnixtime(format)'));
  return call('from_unixtime', args);
}

/** Spark's `date_trunc`: the timestamp truncated to a unit (`'year'`, `'month'`, `'day'`, `'hour'`...). */
export function dateTrunc(unit: string, column: ColumnOrName): Column {
  return call('date_trunc', [strLit(unit, 'dateTrunc(unit)'), columnExpr(column, 'dateTrunc(column)')]);
}

/**
 * Event-time windows (Spark's `window`): a struct `{start, end}` per row, e.g.
 * `window('ts', '10 minutes')` (tumbling) or `window('ts', '10 minutes', '5 minutes')` (sliding).
 */
export function window(timeColumn: ColumnOrName, windowDuration: string, slideDuration?: string, startTime?: string): Column {
  const args = [columnExpr(timeColumn, 'window(timeColumn)'), strLit(windowDuration, 'window(windowDuration)')];
  if (slideDuration !== undefined || startTime !== undefined) args.push(strLit(slideDuration ?? windowDuration, 'window(slideDuration)'));
  if (startTime !== undefined) args.push(strLit(startTime, 'window(startTime)'));
  return call('window', args);
}

/** Session windows (Spark's `session_window`) closing after `gapDuration` without events. */
export function sessionWindow(timeColumn: ColumnOrName, gapDuration: string | Column): Column {
  const gap = gapDuration instanceof Column ? gapDuration.expr : strLit(gapDuration, 'sessionWindow(gapDuration)');
  return call('session_window', [columnExpr(timeColumn, 'sessionWindow(timeColumn)'), gap]);
}

// --- arrays, maps, structs, generators ------------------------------------------------------

export function array(...columns: ColumnOrName[]): Column {
  return call('array', cols('array', columns));
}

/** Spark's `array_contains`. */
export function arrayContains(column: ColumnOrName, value: ColumnOrLiteral): Column {
  return call('array_contains', [columnExpr(column, 'arrayContains(column)'), valueExpr(value, 'arrayContains(value)')]);
}

/** Elements of an array, entries of a map. */
export function size(column: ColumnOrName): Column {
  return call('size', [columnExpr(column, 'size(column)')]);
}

/** Spark's `sort_array`. */
export function sortArray(column: ColumnOrName, ascending = true): Column {
  return call('sort_array', [columnExpr(column, 'sortArray(column)'), boolLit(ascending, 'sortArray(ascending)')]);
}

/** Spark's `array_distinct`. */
export function arrayDistinct(column: ColumnOrName): Column {
  return call('array_distinct', [columnExpr(column, 'arrayDistinct(column)')]);
}

/** Spark's `element_at`: a 1-based array element, or a map's value for a key. */
export function elementAt(column: ColumnOrName, extraction: ColumnOrLiteral): Column {
  return call('element_at', [columnExpr(column, 'elementAt(column)'), valueExpr(extraction, 'elementAt(extraction)')]);
}

/** One row per element of an array (or entry of a map). */
export function explode(column: ColumnOrName): Column {
  return call('explode', [columnExpr(column, 'explode(column)')]);
}

/** Spark's `explode_outer`: like explode, with a null row for an empty or null array. */
export function explodeOuter(column: ColumnOrName): Column {
  return call('explode_outer', [columnExpr(column, 'explodeOuter(column)')]);
}

/** One row per element, with its position (`pos`, `col`). */
export function posexplode(column: ColumnOrName): Column {
  return call('posexplode', [columnExpr(column, 'posexplode(column)')]);
}

export function struct(...columns: ColumnOrName[]): Column {
  return call('struct', cols('struct', columns));
}

/** Spark's `map`: keys and values alternating, `createMap('k1', 'v1', 'k2', 'v2')`. */
export function createMap(...columns: ColumnOrName[]): Column {
  if (columns.length % 2 !== 0) throw new InvalidArgumentError('createMap(): give keys and values in pairs');
  return call('map', cols('createMap', columns));
}

/** Spark's `map_keys`. */
export function mapKeys(column: ColumnOrName): Column {
  return call('map_keys', [columnExpr(column, 'mapKeys(column)')]);
}

/** Spark's `map_values`. */
export function mapValues(column: ColumnOrName): Column {
  return call('map_values', [columnExpr(column, 'mapValues(column)')]);
}

// --- window functions -----------------------------------------------------------------------

/** Spark's `row_number`: 1, 2, 3... within the window's order. */
export function rowNumber(): Column {
  return call('row_number', []);
}

export function rank(): Column {
  return call('rank', []);
}

/** Spark's `dense_rank`. */
export function denseRank(): Column {
  return call('dense_rank', []);
}

/** Spark's `percent_rank`. */
export function percentRank(): Column {
  return call('percent_rank', []);
}

/** Spark's `cume_dist`. */
export function cumeDist(): Column {
  return call('cume_dist', []);
}

export function ntile(n: number): Column {
  return call('ntile', [intLit(n, 'ntile(n)')]);
}

/** The value `offset` rows before, or `defaultValue` where there is none. */
export function lag(column: ColumnOrName, offset = 1, defaultValue: LiteralValue = null): Column {
  return call('lag', [columnExpr(column, 'lag(column)'), intLit(offset, 'lag(offset)'), literalExpression(defaultValue, 'lag(defaultValue)')]);
}

/** The value `offset` rows after, or `defaultValue` where there is none. */
export function lead(column: ColumnOrName, offset = 1, defaultValue: LiteralValue = null): Column {
  return call('lead', [columnExpr(column, 'lead(column)'), intLit(offset, 'lead(offset)'), literalExpression(defaultValue, 'lead(defaultValue)')]);
}

// --- hashes and ids -------------------------------------------------------------------------

/** Spark's murmur3 `hash` of the columns. */
export function hash(...columns: ColumnOrName[]): Column {
  return call('hash', cols('hash', columns, 1));
}

export function md5(column: ColumnOrName): Column {
  return call('md5', [columnExpr(column, 'md5(column)')]);
}

/** SHA-2 of `bits` 224, 256, 384 or 512 (0 is 256), as hex. */
export function sha2(column: ColumnOrName, bits: 0 | 224 | 256 | 384 | 512): Column {
  if (![0, 224, 256, 384, 512].includes(bits)) throw new InvalidArgumentError(`sha2(bits) must be 0, 224, 256, 384 or 512, got ${describe(bits)}`);
  return call('sha2', [columnExpr(column, 'sha2(column)'), { literal: { integer: bits } }]);
}

/** Spark's `monotonically_increasing_id`: unique, increasing, not consecutive. */
export function monotonicallyIncreasingId(): Column {
  return call('monotonically_increasing_id', []);
}

// --- argument helpers -----------------------------------------------------------------------

function cols(method: string, columns: readonly unknown[], atLeast = 0): Expression[] {
  if (columns.length < atLeast) throw new InvalidArgumentError(`${method}(): give at least ${atLeast} column${atLeast === 1 ? '' : 's'}`);
  return columns.map((c, i) => columnExpr(c, `${method}(): column ${i + 1}`));
}

function intLit(value: unknown, where: string): Expression {
  checkIntegerInRange(value, where, -(2 ** 31), 2 ** 31 - 1);
  return { literal: { integer: value } };
}

function numberLit(value: unknown, where: string): Expression {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(`${where} must be a finite number, got ${describe(value)}`);
  return { literal: { double: value } };
}

function strLit(value: unknown, where: string): Expression {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${where} must be a string, got ${describe(value)}`);
  return { literal: { string: value } };
}

function boolLit(value: unknown, where: string): Expression {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${where} must be a boolean, got ${describe(value)}`);
  return { literal: { boolean: value } };
}

function daysArg(days: unknown, where: string): Expression {
  return days instanceof Column ? days.expr : intLit(days, where);
}
