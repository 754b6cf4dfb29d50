import type { Table } from 'apache-arrow';
import { checkNonEmptyString, checkOptionalString } from '../../runtime/base/index.js';
import { collectTable } from './arrow.js';
import type { SessionContext } from './context.js';
import type { CatalogMsg } from './messages.js';

export interface CatalogDatabase {
  readonly name: string;
  readonly catalog: string | null;
  readonly description: string | null;
  readonly locationUri: string | null;
}

export interface CatalogTable {
  readonly name: string;
  readonly catalog: string | null;
  /** The namespace (database) path; empty for a temporary view. */
  readonly namespace: readonly string[];
  readonly description: string | null;
  /** `MANAGED`, `EXTERNAL`, `VIEW`, `TEMPORARY`... */
  readonly tableType: string;
  readonly isTemporary: boolean;
}

export interface CatalogColumn {
  readonly name: string;
  readonly description: string | null;
  readonly dataType: string;
  readonly nullable: boolean;
  readonly isPartition: boolean;
  readonly isBucket: boolean;
}

/** `session.catalog`: the databases, tables and views the session sees. */
export class Catalog {
  readonly #ctx: SessionContext;

  private constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext): Catalog {
    return new Catalog(ctx);
  }

  /** The session's current database (namespace), e.g. `default`. */
  async currentDatabase(): Promise<string> {
    return String(first(await this.#run({ currentDatabase: {} })) ?? '');
  }

  async setCurrentDatabase(name: string): Promise<void> {
    checkNonEmptyString(name, 'setCurrentDatabase(name)');
    await this.#run({ setCurrentDatabase: { dbName: name } });
  }

  /** The databases of the current catalog, optionally those whose name matches a SQL LIKE-style `pattern` (`*` wildcards). */
  async listDatabases(pattern?: string): Promise<CatalogDatabase[]> {
    checkOptionalString(pattern, 'listDatabases(pattern)');
    const rows = rowsOf(await this.#run({ listDatabases: pattern === undefined ? {} : { pattern } }));
    return rows.map((r) => ({
      name: str(r['name']),
      catalog: optStr(r['catalog']),
      description: optStr(r['description']),
      locationUri: optStr(r['locationUri']),
    }));
  }

  /** Tables and views of a database (default: the current one), with the session's temporary views. */
  async listTables(database?: string, pattern?: string): Promise<CatalogTable[]> {
    checkOptionalString(database, 'listTables(database)');
    checkOptionalString(pattern, 'listTables(pattern)');
    const rows = rowsOf(
      await this.#run({ listTables: { ...(database === undefined ? {} : { dbName: database }), ...(pattern === undefined ? {} : { pattern }) } }),
    );
    return rows.map((r) => ({
      name: str(r['name']),
      catalog: optStr(r['catalog']),
      namespace: r['namespace'] == null ? [] : Array.from(r['namespace'] as Iterable<unknown>, (v) => String(v)),
      description: optStr(r['description']),
      tableType: str(r['tableType']),
      isTemporary: Boolean(r['isTemporary']),
    }));
  }

  /** The columns of a table or view. */
  async listColumns(table: string, database?: string): Promise<CatalogColumn[]> {
    checkNonEmptyString(table, 'listColumns(table)');
    checkOptionalString(database, 'listColumns(database)');
    const rows = rowsOf(await this.#run({ listColumns: { tableName: table, ...(database === undefined ? {} : { dbName: database }) } }));
    return rows.map((r) => ({
      name: str(r['name']),
      description: optStr(r['description']),
      dataType: str(r['dataType']),
      nullable: Boolean(r['nullable']),
      isPartition: Boolean(r['isPartition']),
      isBucket: Boolean(r['isBucket']),
    }));
  }

  /** Whether a table or view exists: `tableExists('t')`, `tableExists('db.t')` or `tableExists('t', 'db')`. */
  async tableExists(table: string, database?: string): Promise<boolean> {
    checkNonEmptyString(table, 'tableExists(table)');
    checkOptionalString(database, 'tableExists(database)');
    return first(await this.#run({ tableExists: { tableName: table, ...(database === undefined ? {} : { dbName: database }) } })) === true;
  }

  async databaseExists(name: string): Promise<boolean> {
    checkNonEmptyString(name, 'databaseExists(name)');
    return first(await this.#run({ databaseExists: { dbName: name } })) === true;
  }

  /** Catalog requests are relations whose rows are the answer. */
  #run(catalog: CatalogMsg): Promise<Table> {
    return collectTable(this.#ctx.client.execute({ root: this.#ctx.relation({ catalog }) }));
  }
}

function first(table: Table): unknown {
  return table.numRows > 0 ? table.getChildAt(0)?.get(0) : undefined;
}

function rowsOf(table: Table): Record<string, unknown>[] {
  const names = table.schema.fields.map((f) => f.name);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    names.forEach((n, c) => {
      row[n] = table.getChildAt(c)?.get(i);
    });
    out.push(row);
  }
  return out;
}

function str(v: unknown): string {
  return v == null ? '' : String(v);
}

function optStr(v: unknown): string | null {
  return v == null ? null : String(v);
}
