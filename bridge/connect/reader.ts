import type { SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import type { Relation } from './messages.js';
import { optionString, requireName, type OptionValue } from './options.js';

/** What DataFrameReader and DataStreamReader share: format, options, schema, load. */
abstract class SourceReader {
  protected readonly ctx: SessionContext;
  #format: string | undefined;
  #schema: string | undefined;
  readonly #options: Record<string, string> = {};
  protected abstract readonly streaming: boolean;

  /** @internal */
  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  format(source: string): this {
    this.#format = requireName('format', 'source', source);
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

  /** The schema as a DDL string, e.g. `'id BIGINT, name STRING'`. */
  schema(ddl: string): this {
    this.#schema = requireName('schema', 'ddl', ddl);
    return this;
  }

  /** Read from the given paths (or from wherever the options point). */
  load(...paths: string[]): DataFrame {
    for (const p of paths) requireName('load', 'path', p);
    const dataSource: NonNullable<NonNullable<Relation['read']>['dataSource']> = { options: { ...this.#options }, paths };
    if (this.#format !== undefined) dataSource.format = this.#format;
    if (this.#schema !== undefined) dataSource.schema = this.#schema;
    return new DataFrame(this.ctx, this.ctx.relation({ read: { dataSource, isStreaming: this.streaming } }));
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
    const namedTable = { unparsedIdentifier: requireName('table', 'name', name), options: { ...this.#options } };
    return new DataFrame(this.ctx, this.ctx.relation({ read: { namedTable, isStreaming: this.streaming } }));
  }
}

/** `session.read`: batch reads. */
export class DataFrameReader extends SourceReader {
  protected readonly streaming = false;
}

/** `session.readStream`: streaming reads (rate, files, tables, drls sources...). */
export class DataStreamReader extends SourceReader {
  protected readonly streaming = true;
}
