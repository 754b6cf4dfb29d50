import { InvalidArgumentError } from '../../runtime/base/index.js';
import { Column, columnExpr, type ColumnOrName } from './column.js';
import { describe, literalMessage } from './literal.js';
import type { Expression, FrameBoundary, SortOrder, WindowFrame } from './messages.js';

/** A frame bound: an offset from the current row (0 is the current row) or an unbounded end. */
export type FrameBound = number;

/**
 * Which rows a window function sees: partitions, their order and a frame. Immutable; made by
 * `Window.partitionBy(...)`, `Window.orderBy(...)` and friends, used with `column.over(spec)`.
 */
export class WindowSpec {
  readonly #partition: readonly Expression[];
  readonly #order: readonly SortOrder[];
  readonly #frame: WindowFrame | undefined;

  private constructor(partition: readonly Expression[], order: readonly SortOrder[], frame: WindowFrame | undefined) {
    this.#partition = partition;
    this.#order = order;
    this.#frame = frame;
  }

  /** @internal Made by the library only. */
  static create(partition: readonly Expression[] = [], order: readonly SortOrder[] = [], frame?: WindowFrame): WindowSpec {
    return new WindowSpec(partition, order, frame);
  }

  partitionBy(...columns: ColumnOrName[]): WindowSpec {
    const partition = columns.map((c, i) => columnExpr(c, `partitionBy(): column ${i + 1}`));
    return new WindowSpec(partition, this.#order, this.#frame);
  }

  /** Names sort ascending; a Column may carry its own order (`col('t').desc()`). */
  orderBy(...columns: ColumnOrName[]): WindowSpec {
    return new WindowSpec(this.#partition, sortOrders('orderBy', columns), this.#frame);
  }

  /**
   * A frame counted in rows around the current one: `rowsBetween(-2, 0)` is the two rows before
   * and the current one; `Window.unboundedPreceding` / `Window.unboundedFollowing` are open ends.
   */
  rowsBetween(start: FrameBound, end: FrameBound): WindowSpec {
    return this.#between('ROW', start, end);
  }

  /** A frame by value of the (single) order column: rows whose value is within [current + start, current + end]. */
  rangeBetween(start: FrameBound, end: FrameBound): WindowSpec {
    return this.#between('RANGE', start, end);
  }

  /** @internal The Spark Connect window expression of `fn` over this spec. */
  windowExpression(fn: Expression): { windowFunction: Expression; partitionSpec: Expression[]; orderSpec: SortOrder[]; frameSpec?: WindowFrame } {
    return {
      windowFunction: fn,
      partitionSpec: [...this.#partition],
      orderSpec: [...this.#order],
      ...(this.#frame ? { frameSpec: this.#frame } : {}),
    };
  }

  #between(kind: 'ROW' | 'RANGE', start: FrameBound, end: FrameBound): WindowSpec {
    const method = kind === 'ROW' ? 'rowsBetween' : 'rangeBetween';
    const integer = kind === 'ROW';
    const frame: WindowFrame = {
      frameType: kind === 'ROW' ? 'FRAME_TYPE_ROW' : 'FRAME_TYPE_RANGE',
      lower: boundary(start, `${method}(start)`, 'lower', integer),
      upper: boundary(end, `${method}(end)`, 'upper', integer),
    };
    if (Number(start) > Number(end)) throw new InvalidArgumentError(`${method}(): start (${start}) must not be after end (${end})`);
    return new WindowSpec(this.#partition, this.#order, frame);
  }
}

/** Builds WindowSpecs: `Window.partitionBy('k').orderBy('t').rowsBetween(Window.unboundedPreceding, Window.currentRow)`. */
export class Window {
  /** The frame starts at the partition's first row. */
  static readonly unboundedPreceding: FrameBound = Number.NEGATIVE_INFINITY;
  /** The frame ends at the partition's last row. */
  static readonly unboundedFollowing: FrameBound = Number.POSITIVE_INFINITY;
  static readonly currentRow: FrameBound = 0;

  private constructor() {}

  static partitionBy(...columns: ColumnOrName[]): WindowSpec {
    return WindowSpec.create().partitionBy(...columns);
  }

  static orderBy(...columns: ColumnOrName[]): WindowSpec {
    return WindowSpec.create().orderBy(...columns);
  }

  static rowsBetween(start: FrameBound, end: FrameBound): WindowSpec {
    return WindowSpec.create().rowsBetween(start, end);
  }

  static rangeBetween(start: FrameBound, end: FrameBound): WindowSpec {
    return WindowSpec.create().rangeBetween(start, end);
  }
}

/** @internal Sort orders from names (ascending) or Columns (their own order, else ascending). */
export function sortOrders(method: string, columns: readonly ColumnOrName[]): SortOrder[] {
  return columns.map((c, i) => {
    if (c instanceof Column) return c.sortOrder();
    return Column.create(columnExpr(c, `${method}(): column ${i + 1}`)).sortOrder();
  });
}

function boundary(value: unknown, where: string, side: 'lower' | 'upper', integer: boolean): FrameBoundary {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new InvalidArgumentError(`${where} must be a number, got ${describe(value)}`);
  if (value === 0) return { currentRow: true };
  if (value === (side === 'lower' ? -Infinity : Infinity)) return { unbounded: true };
  if (!Number.isFinite(value)) {
    throw new InvalidArgumentError(`${where}: ${value} is not a ${side} bound (use Window.unbounded${side === 'lower' ? 'Preceding' : 'Following'})`);
  }
  if (integer && !Number.isSafeInteger(value)) throw new InvalidArgumentError(`${where} must be a whole number of rows, got ${value}`);
  return { value: { literal: literalMessage(value, where) } };
}
