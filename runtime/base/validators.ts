import { InvalidArgumentError } from './errors.js';

/**
 * The one set of option checks every public function uses. Each message names the option
 * (as the caller wrote it, e.g. `options.maxBufferedBytes`) and says what was expected.
 */

export function checkPositive(value: unknown, name: string, opts: { integer?: boolean } = {}): asserts value is number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!opts.integer || Number.isInteger(value));
  if (!ok) throw new InvalidArgumentError(`${name} must be a positive ${opts.integer ? 'integer' : 'number'}, got ${show(value)}`);
}

export function checkNonNegative(value: unknown, name: string): asserts value is number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new InvalidArgumentError(`${name} must be a number >= 0, got ${show(value)}`);
  }
}

export function checkNonNegativeInteger(value: unknown, name: string): asserts value is number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${show(value)}`);
  }
}

export function checkIntegerInRange(value: unknown, name: string, min: number, max: number): asserts value is number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
}

/** An optional timeout in milliseconds: absent, or a positive number. */
export function checkTimeout(value: unknown, name: string): asserts value is number | undefined {
  if (value !== undefined) checkPositive(value, name);
}

export function checkNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string, got ${show(value)}`);
  }
}

export function checkOptionalString(value: unknown, name: string): asserts value is string | undefined {
  if (value !== undefined) checkNonEmptyString(value, name);
}

export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${name} must be a boolean, got ${show(value)}`);
}

export function checkObject(value: unknown, name: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(`${name} must be an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
}

/** A callback argument: anything callable (plain, arrow, async or bound functions alike). */
export function checkFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(`${name} must be a function, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : show(value)}`);
  }
}

export function checkOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  }
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
