import { FormatOptions } from './format-options.js';
import type { SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import type { Relation } from './messages.js';
import { requireName } from './option-values.js';

/** What DataFrameReader and DataStreamReader share: format, options, schema, load. */
abstract class SourceReader extends FormatOptions {
  /** @internal */
  protected readonly ctx: SessionContext;
  #schema: string | undefined;
  protected abstract readonly streaming: boolean;

  /** @internal */
  constructor(ctx: SessionContext) {
    super();
    this.ctx = ctx;
  }

  /** The schema as a DDL string, e.g. `'id BIGINT, name STRING'`. */
  schema(ddl: string): this {
    this.#schema = requireName('schema', 'ddl', ddl);
    return this;
  }

  /** Read from the given paths (or from wherever the options point). */
  load(...paths: string[]): DataFrame {
    for (const p of paths) requireName('load', 'path', p);
    const dataSource: NonNullable<NonNullable<Relation['read']>['dataSource']> = { options: { ...this.optionMap }, paths };
    if (this.formatName !== undefined) dataSource.format = this.formatName;
    if (this.#schema !== undefined) dataSource.schema = this.#schema;
    return DataFrame.create(this.ctx, this.ctx.relation({ read: { dataSource, isStreaming: this.streaming } }));
  }

  parquet(...paths: string[]): DataFrame {
    return this.format('parquet').load(...paths);
  }

  json(...paths: string[]): DataFrame {
    return this.format('json').load(...paths);
  }

  csv(...paths: string[]): DataFrame {
    return this.format('csv').load(...paths);
  }

  table(name: string): DataFrame {
    const namedTable = { unparsedIdentifier: requireName('table', 'name', name), options: { ...this.optionMap } };
    return DataFrame.create(this.ctx, this.ctx.relation({ read: { namedTable, isStreaming: this.streaming } }));
  }
}

/** `session.read`: batch reads. */
export class DataFrameReader extends SourceReader {
  protected readonly streaming = false;

  private constructor(ctx: SessionContext) {
    super(ctx);
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext): DataFrameReader {
    return new DataFrameReader(ctx);
  }
}

/** `session.readStream`: streaming reads (rate, files, tables, drls sources...). */
export class DataStreamReader extends SourceReader {
  protected readonly streaming = true;

  private constructor(ctx: SessionContext) {
    super(ctx);
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext): DataStreamReader {
    return new DataStreamReader(ctx);
  }
}
