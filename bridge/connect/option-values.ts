import { checkNonEmptyString, InvalidArgumentError } from '../../runtime/base/index.js';

/** Values a reader/writer option may take; Spark receives them as strings. */
export type OptionValue = string | number | boolean;

export function optionString(method: string, key: string, value: OptionValue): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidArgumentError(`${method}(key, value): key must be a non-empty string`);
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new InvalidArgumentError(`${method}("${key}", value): value must be a string, number or boolean`);
  }
  return String(value);
}

export function requireName(method: string, what: string, value: unknown): string {
  checkNonEmptyString(value, `${method}(): ${what}`);
  return value;
}
