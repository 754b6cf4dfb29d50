import { checkNonEmptyString, checkNonNegativeInteger, checkObject, checkOneOf, InvalidArgumentError } from '../../runtime/base/index.js';
import type { SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import { describe } from './literal.js';
import type { Literal, Relation } from './messages.js';

/** A value `na.fill` puts in place of nulls. */
export type FillValue = number | string | boolean;

export interface NaDropOptions {
  /** 'any' (default): drop a row with any null (or NaN) among the columns; 'all': only when all are. */
  how?: 'any' | 'all';
  /** Keep rows with at least this many non-null, non-NaN values; overrides `how`. */
  thresh?: number;
  /** The columns to look at; default all. */
  subset?: readonly string[];
}

/** `df.na`: replacing or dropping missing values. */
export class DataFrameNaFunctions {
  readonly #ctx: SessionContext;
  readonly #input: Relation;

  private constructor(ctx: SessionContext, input: Relation) {
    this.#ctx = ctx;
    this.#input = input;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext, input: Relation): DataFrameNaFunctions {
    return new DataFrameNaFunctions(ctx, input);
  }

  /**
   * Replace nulls: `fill(0)` in every column of a matching type, `fill('n/a', ['name'])` in some,
   * or `fill({ age: 0, name: 'n/a' })` per column. A number fills numeric columns, a string
   * string columns, a boolean boolean columns; other columns are left alone.
   */
  fill(value: FillValue, subset?: readonly string[]): DataFrame;
  fill(values: Readonly<Record<string, FillValue>>): DataFrame;
  fill(value: FillValue | Readonly<Record<string, FillValue>>, subset?: readonly string[]): DataFrame {
    if (typeof value === 'object' && value !== null) {
      checkObject(value, 'na.fill(values)');
      if (subset !== undefined) throw new InvalidArgumentError('na.fill(values): a { column: value } object takes no subset');
      const entries = Object.entries(value);
      if (entries.length === 0) throw new InvalidArgumentError('na.fill(values): give at least one { column: value } entry');
      return this.#derive({
        fillNa: {
          input: this.#input,
          cols: entries.map(([c]) => c),
          values: entries.map(([c, v]) => fillLiteral(v, `na.fill(values): "${c}"`)),
        },
      });
    }
    const cols = columnList('na.fill(value, subset)', subset);
    return this.#derive({ fillNa: { input: this.#input, cols, values: [fillLiteral(value, 'na.fill(value)')] } });
  }

  /** Drop rows with nulls (or NaNs): `drop()`, `drop({ how: 'all' })`, `drop({ thresh: 2, subset: ['a', 'b'] })`. */
  drop(options: NaDropOptions = {}): DataFrame {
    checkObject(options, 'na.drop(options)');
    const cols = columnList('na.drop(options.subset)', options.subset);
    let minNonNulls: number | undefined;
    if (options.thresh !== undefined) {
      checkNonNegativeInteger(options.thresh, 'na.drop(options.thresh)');
      minNonNulls = options.thresh;
    } else {
      const how = options.how ?? 'any';
      checkOneOf(how, 'na.drop(options.how)', ['any', 'all'] as const);
      // Unset means "as many as there are columns", i.e. 'any'; 'all' keeps rows with one value.
      if (how === 'all') minNonNulls = 1;
    }
    return this.#derive({ dropNa: { input: this.#input, cols, ...(minNonNulls === undefined ? {} : { minNonNulls }) } });
  }

  #derive(rel: Omit<Relation, 'common'>): DataFrame {
    return DataFrame.create(this.#ctx, this.#ctx.relation(rel));
  }
}

function columnList(where: string, subset: readonly string[] | undefined): string[] {
  if (subset === undefined) return [];
  if (!Array.isArray(subset)) throw new InvalidArgumentError(`${where} must be an array of column names, got ${describe(subset)}`);
  subset.forEach((c, i) => checkNonEmptyString(c, `${where}[${i}]`));
  return [...subset];
}

/** Spark's fill takes only long, double, string and boolean literals. */
function fillLiteral(value: unknown, where: string): Literal {
  switch (typeof value) {
    case 'boolean':
      return { boolean: value };
    case 'string':
      return { string: value };
    case 'number':
      if (Number.isSafeInteger(value)) return { long: String(value) };
      if (Number.isFinite(value)) return { double: value };
      break;
    default:
      break;
  }
  throw new InvalidArgumentError(`${where} must be a finite number, a string or a boolean, got ${describe(value)}`);
}
