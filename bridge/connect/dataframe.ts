import type { RecordBatch, Table } from 'apache-arrow';
import { arrowBatches, collectTable } from './arrow.js';
import type { SessionContext } from './context.js';
import type { Expression, Relation } from './messages.js';
import { DataFrameWriter } from './writer.js';
import { DataStreamWriter } from './stream-writer.js';
import { structType, type StructType } from './schema.js';
import { checkNonEmptyString, checkIntegerInRange } from '../../runtime/base/index.js';

/**
 * A lazy Spark query. Transformations build a new DataFrame; actions (count, collect, show...)
 * send the plan to Spark. Expressions are Spark SQL strings.
 */
export class DataFrame {
  readonly #ctx: SessionContext;
  /** @internal The Spark Connect relation this DataFrame stands for. */
  readonly plan: Relation;

  private constructor(ctx: SessionContext, plan: Relation) {
    this.#ctx = ctx;
    this.plan = plan;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext, plan: Relation): DataFrame {
    return new DataFrame(ctx, plan);
  }

  #derive(rel: Omit<Relation, 'common'>): DataFrame {
    return DataFrame.create(this.#ctx, this.#ctx.relation(rel));
  }

  /** Columns by name (`'*'` for all). */
  select(...columns: string[]): DataFrame {
    requireStrings('select', columns);
    const expressions: Expression[] = columns.map((c) =>
      c === '*' ? { unresolvedStar: {} } : { unresolvedAttribute: { unparsedIdentifier: c } },
    );
    return this.#derive({ project: { input: this.plan, expressions } });
  }

  /** SQL expressions, e.g. `selectExpr('id * 2 AS twice')`. */
  selectExpr(...expressions: string[]): DataFrame {
    requireStrings('selectExpr', expressions);
    return this.#derive({ project: { input: this.plan, expressions: expressions.map(sqlExpr) } });
  }

  /** Keep rows matching a SQL condition, e.g. `filter('id % 2 = 0')`. */
  filter(condition: string): DataFrame {
    requireStrings('filter', [condition]);
    return this.#derive({ filter: { input: this.plan, condition: sqlExpr(condition) } });
  }

  where(condition: string): DataFrame {
    return this.filter(condition);
  }

  /** Add or replace a column computed by a SQL expression. */
  withColumn(name: string, expression: string): DataFrame {
    requireStrings('withColumn', [name, expression]);
    return this.#derive({ withColumns: { input: this.plan, aliases: [{ expr: sqlExpr(expression), name: [name] }] } });
  }

  limit(n: number): DataFrame {
    checkIntegerInRange(n, 'limit(n): n', 0, 2 ** 31 - 1);
    return this.#derive({ limit: { input: this.plan, limit: n } });
  }

  async count(): Promise<number> {
    const rel = this.#ctx.relation({
      aggregate: { input: this.plan, groupType: 'GROUP_TYPE_GROUPBY', aggregateExpressions: [sqlExpr('count(1) AS count')] },
    });
    const table = await collectTable(this.#ctx.client.execute({ root: rel }));
    return Number(table.getChildAt(0)?.get(0) ?? 0);
  }

  /** The whole result as one Arrow Table, assembled from the batches Spark streams. */
  collect(): Promise<Table> {
    return collectTable(this.#ctx.client.execute({ root: this.plan }));
  }

  toArrow(): Promise<Table> {
    return this.collect();
  }

  /** The result batch by batch, for results too large to hold at once. */
  toArrowBatches(): AsyncIterable<RecordBatch> {
    return arrowBatches(this.#ctx.client.execute({ root: this.plan }));
  }

  async schema(): Promise<StructType> {
    const res = await this.#ctx.client.analyze({ schema: { plan: { root: this.plan } } });
    return structType(res.schema?.schema);
  }

  /** Print the first rows as Spark formats them, and return that text. */
  async show(numRows = 20, truncate: boolean | number = true): Promise<string> {
    const rel = this.#ctx.relation({
      showString: { input: this.plan, numRows, truncate: truncate === true ? 20 : truncate === false ? 0 : truncate, vertical: false },
    });
    const table = await collectTable(this.#ctx.client.execute({ root: rel }));
    const text = String(table.getChildAt(0)?.get(0) ?? '');
    process.stdout.write(text);
    return text;
  }

  async isStreaming(): Promise<boolean> {
    const res = await this.#ctx.client.analyze({ isStreaming: { plan: { root: this.plan } } });
    return res.isStreaming?.isStreaming ?? false;
  }

  /** Name this DataFrame for SQL in this session: `spark.sql('SELECT * FROM name')`. */
  async createOrReplaceTempView(name: string): Promise<void> {
    requireStrings('createOrReplaceTempView', [name]);
    await this.#ctx.client.command({
      command: { createDataframeView: { input: this.plan, name, isGlobal: false, replace: true } },
    });
  }

  get write(): DataFrameWriter {
    return DataFrameWriter.create(this.#ctx, this.plan);
  }

  get writeStream(): DataStreamWriter {
    return DataStreamWriter.create(this.#ctx, this.plan);
  }
}

export function sqlExpr(expression: string): Expression {
  return { expressionString: { expression } };
}

function requireStrings(method: string, values: unknown[]): void {
  values.forEach((v, i) => checkNonEmptyString(v, `${method}(): argument ${i + 1}`));
}
