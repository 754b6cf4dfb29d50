import { FormatOptions } from './format-options.js';
import { InvalidArgumentError } from '../../runtime/base/index.js';
import type { SessionContext } from './context.js';
import type { Relation, SaveMode, WriteOperation } from './messages.js';
import { requireName } from './option-values.js';

export type WriteMode = 'append' | 'overwrite' | 'error' | 'errorifexists' | 'ignore';

const MODES: Record<WriteMode, SaveMode> = {
  append: 'SAVE_MODE_APPEND',
  overwrite: 'SAVE_MODE_OVERWRITE',
  error: 'SAVE_MODE_ERROR_IF_EXISTS',
  errorifexists: 'SAVE_MODE_ERROR_IF_EXISTS',
  ignore: 'SAVE_MODE_IGNORE',
};

/** Batch writes of a DataFrame: `df.write.format('parquet').mode('overwrite').save(path)`. */
export class DataFrameWriter extends FormatOptions {
  readonly #ctx: SessionContext;
  readonly #input: Relation;
  #mode: SaveMode = 'SAVE_MODE_ERROR_IF_EXISTS';
  #partitionBy: string[] = [];

  private constructor(ctx: SessionContext, input: Relation) {
    super();
    this.#ctx = ctx;
    this.#input = input;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext, input: Relation): DataFrameWriter {
    return new DataFrameWriter(ctx, input);
  }

  mode(mode: WriteMode): this {
    const m = MODES[String(mode).toLowerCase() as WriteMode];
    if (!m) throw new InvalidArgumentError(`mode(): expected one of ${Object.keys(MODES).join(', ')}, got "${String(mode)}"`);
    this.#mode = m;
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
      options: this.optionMap,
      partitioningColumns: this.#partitionBy,
      ...target,
      ...(this.formatName ? { source: this.formatName } : {}),
    };
    await this.#ctx.client.command({ command: { writeOperation: op } });
  }
}
