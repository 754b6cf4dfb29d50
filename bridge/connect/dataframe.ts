import type { RecordBatch, Table } from 'apache-arrow';
import { arrowBatches, collectTable } from './arrow.js';
import type { SessionContext } from './context.js';
import type { Expression, Relation } from './messages.js';
import { DataFrameWriter } from './writer.js';
import { DataStreamWriter } from './stream-writer.js';
import { structType, type StructType } from './schema.js';
import { InvalidArgumentError } from '../../runtime/base/index.js';

/**
 * A lazy Spark query. Transformations build a new DataFrame; actions (count, collect, show...)
 * send the plan to Spark. Expressions are Spark SQL strings.
 */
export class DataFrame {
  readonly #ctx: SessionContext;
  /** The Spark Connect relation this DataFrame stands for. */
  readonly plan: Relation;

  /** @internal DataFrames come from a SparkSession, not from this constructor. */
  constructor(ctx: SessionContext, plan: Relation) {
    this.#ctx = ctx;
    this.plan = plan;
  }

  #derive(rel: Omit<Relation, 'common'>): DataFrame {
    return new DataFrame(this.#ctx, this.#ctx.relation(rel));
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
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) {
      throw new InvalidArgumentError(`limit(n): n must be an integer from 0 to 2147483647, got ${String(n)}`);
    }
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
    return new DataFrameWriter(this.#ctx, this.plan);
  }

  get writeStream(): DataStreamWriter {
    return new DataStreamWriter(this.#ctx, this.plan);
  }
}

export function sqlExpr(expression: string): Expression {
  return { expressionString: { expression } };
}

function requireStrings(method: string, values: unknown[]): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.length === 0) {
      throw new InvalidArgumentError(`${method}(): expected non-empty strings, got ${JSON.stringify(v)}`);
    }
  }
}
