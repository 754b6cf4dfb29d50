import { InvalidArgumentError } from '../errors.js';

/** Option checks shared by the streaming API; each message names the option and what was expected. */
export function checkPositive(value: unknown, name: string, opts: { integer?: boolean } = {}): asserts value is number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!opts.integer || Number.isInteger(value));
  if (!ok) {
    throw new InvalidArgumentError(`${name} must be a positive ${opts.integer ? 'integer' : 'number'}, got ${show(value)}`);
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

export function checkTimeout(value: unknown, name: string): void {
  if (value !== undefined) checkPositive(value, name);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
