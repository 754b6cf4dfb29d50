import { InvalidArgumentError } from '../../errors.js';
import type { SessionContext } from './context.js';
import type { Relation, SaveMode, WriteOperation } from './messages.js';
import { optionString, requireName, type OptionValue } from './options.js';

export type WriteMode = 'append' | 'overwrite' | 'error' | 'errorifexists' | 'ignore';

const MODES: Record<WriteMode, SaveMode> = {
  append: 'SAVE_MODE_APPEND',
  overwrite: 'SAVE_MODE_OVERWRITE',
  error: 'SAVE_MODE_ERROR_IF_EXISTS',
  errorifexists: 'SAVE_MODE_ERROR_IF_EXISTS',
  ignore: 'SAVE_MODE_IGNORE',
};

/** Batch writes of a DataFrame: `df.write.format('parquet').mode('overwrite').save(path)`. */
export class DataFrameWriter {
  readonly #ctx: SessionContext;
  readonly #input: Relation;
  #source: string | undefined;
  #mode: SaveMode = 'SAVE_MODE_ERROR_IF_EXISTS';
  readonly #options: Record<string, string> = {};
  #partitionBy: string[] = [];

  /** @internal */
  constructor(ctx: SessionContext, input: Relation) {
    this.#ctx = ctx;
    this.#input = input;
  }

  format(source: string): this {
    this.#source = requireName('format', 'source', source);
    return this;
  }

  mode(mode: WriteMode): this {
    const m = MODES[String(mode).toLowerCase() as WriteMode];
    if (!m) throw new InvalidArgumentError(`mode(): expected one of ${Object.keys(MODES).join(', ')}, got "${String(mode)}"`);
    this.#mode = m;
    return this;
  }

  option(key: string, value: OptionValue): this {
    this.#options[key] = optionString('option', key, value);
    return this;
  }

  options(options: Record<string, OptionValue>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  partitionBy(...columns: string[]): this {
    this.#partitionBy = columns.map((c) => requireName('partitionBy', 'column', c));
    return this;
  }

  /** Write to a path (or to wherever the options point when no path is given). */
  async save(path?: string): Promise<void> {
    await this.#run(path === undefined ? {} : { path: requireName('save', 'path', path) });
  }

  parquet(path: string): Promise<void> {
    return this.format('parquet').save(path);
  }

  json(path: string): Promise<void> {
    return this.format('json').save(path);
  }

  csv(path: string): Promise<void> {
    return this.format('csv').save(path);
  }

  async saveAsTable(name: string): Promise<void> {
    await this.#run({ table: { tableName: requireName('saveAsTable', 'name', name), saveMethod: 'TABLE_SAVE_METHOD_SAVE_AS_TABLE' } });
  }

  async insertInto(name: string): Promise<void> {
    await this.#run({ table: { tableName: requireName('insertInto', 'name', name), saveMethod: 'TABLE_SAVE_METHOD_INSERT_INTO' } });
  }

  async #run(target: Pick<WriteOperation, 'path' | 'table'>): Promise<void> {
    const op: WriteOperation = {
      input: this.#input,
      mode: this.#mode,
      options: this.#options,
      partitioningColumns: this.#partitionBy,
      ...target,
      ...(this.#source ? { source: this.#source } : {}),
    };
    await this.#ctx.client.command({ command: { writeOperation: op } });
  }
}
