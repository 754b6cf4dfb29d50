import { InvalidArgumentError, show } from '../../runtime/base/index.js';
import type { Expression, Literal } from './messages.js';

/**
 * The JS values that become Spark literals: strings, numbers (int when they are whole and fit
 * 32 bits, bigint when whole beyond that, else double), bigints (bigint), booleans, null, Dates
 * (timestamp), bytes (binary), and arrays of these (Spark's `array(...)`).
 */
export type LiteralValue = string | number | bigint | boolean | null | Date | Uint8Array | readonly LiteralValue[];

const INT32 = 2 ** 31;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** @internal Whether a value is one `literal()` accepts (arrays are checked element by element there). */
export function isLiteralValue(value: unknown): value is LiteralValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean' ||
    value instanceof Date ||
    value instanceof Uint8Array ||
    Array.isArray(value)
  );
}

/** @internal A scalar JS value as an Expression.Literal message. */
export function literalMessage(value: unknown, where: string): Literal {
  if (value === null) return { null: { null: {} } };
  switch (typeof value) {
    case 'string':
      return { string: value };
    case 'boolean':
      return { boolean: value };
    case 'number':
      if (Number.isInteger(value) && value >= -INT32 && value < INT32) return { integer: value };
      if (Number.isSafeInteger(value)) return { long: String(value) };
      return { double: value };
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) throw new InvalidArgumentError(`${where}: ${value}n does not fit Spark's 64-bit bigint`);
      return { long: value.toString() };
    default:
      break;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`${where}: the Date is invalid`);
    // Spark timestamps are microseconds since the epoch, UTC.
    return { timestamp: (BigInt(ms) * 1000n).toString() };
  }
  if (value instanceof Uint8Array) return { binary: value };
  throw new InvalidArgumentError(
    `${where} must be a string, number, bigint, boolean, null, Date, Uint8Array or an array of these, got ${describe(value)}`,
  );
}

/** @internal A JS value as an expression: a literal, or `array(...)` for an array. */
export function literalExpression(value: unknown, where: string): Expression {
  if (Array.isArray(value)) {
    const items = value as unknown[];
    return { unresolvedFunction: { functionName: 'array', arguments: items.map((v, i) => literalExpression(v, `${where}[${i}]`)) } };
  }
  return { literal: literalMessage(value, where) };
}

/** @internal What a rejected value was, for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return `an object (${value.constructor?.name ?? 'Object'})`;
  return show(value);
}
