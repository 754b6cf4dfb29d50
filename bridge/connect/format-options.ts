import { optionString, requireName, type OptionValue } from './option-values.js';

/**
 * What every reader and writer builder shares: a data source format and string options,
 * set fluently and checked as they are set.
 */
export abstract class FormatOptions {
  /** The format given with `format()`, if any. */
  protected formatName: string | undefined;
  protected readonly optionMap: Record<string, string> = {};

  format(source: string): this {
    this.formatName = requireName('format', 'source', source);
    return this;
  }

  option(key: string, value: OptionValue): this {
    this.optionMap[key] = optionString('option', key, value);
    return this;
  }

  options(options: Record<string, OptionValue>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }
}
