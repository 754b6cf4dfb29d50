import { FormatOptions } from './format-options.js';
import { checkOneOf, InvalidArgumentError, SparkError } from '../../runtime/base/index.js';
import type { SessionContext } from './context.js';
import type { Relation, WriteStreamOperationStart } from './messages.js';
import { requireName } from './option-values.js';
import { StreamingQuery } from './streaming-query.js';

export type OutputMode = 'append' | 'complete' | 'update';
const OUTPUT_MODES: readonly OutputMode[] = ['append', 'complete', 'update'];

/** When a streaming query runs its micro-batches. */
export type Trigger = { processingTime: string | number } | { once: true } | { availableNow: true };

/** Starts a streaming query: `df.writeStream.format('memory').queryName('q').start()`. */
export class DataStreamWriter extends FormatOptions {
  readonly #ctx: SessionContext;
  readonly #input: Relation;
  #outputMode = '';
  #queryName = '';
  #partitionBy: string[] = [];
  #trigger: Pick<WriteStreamOperationStart, 'processingTimeInterval' | 'once' | 'availableNow'> = {};

  private constructor(ctx: SessionContext, input: Relation) {
    super();
    this.#ctx = ctx;
    this.#input = input;
  }

  /** @internal Made by the library only. */
  static create(ctx: SessionContext, input: Relation): DataStreamWriter {
    return new DataStreamWriter(ctx, input);
  }

  outputMode(mode: OutputMode): this {
    checkOneOf(mode, 'outputMode(): mode', OUTPUT_MODES);
    this.#outputMode = mode;
    return this;
  }

  /** `{ processingTime: '5 seconds' }` (or milliseconds as a number), `{ once: true }`, `{ availableNow: true }`. */
  trigger(trigger: Trigger): this {
    const t = trigger as Partial<{ processingTime: unknown; once: unknown; availableNow: unknown }>;
    const set = ['processingTime', 'once', 'availableNow'].filter((k) => t?.[k as keyof typeof t] !== undefined);
    if (set.length !== 1) {
      throw new InvalidArgumentError('trigger(): pass exactly one of { processingTime }, { once: true }, { availableNow: true }');
    }
    if (t.processingTime !== undefined) {
      const p = t.processingTime;
      if (typeof p === 'number' && Number.isFinite(p) && p >= 0) this.#trigger = { processingTimeInterval: `${p} milliseconds` };
      else if (typeof p === 'string' && p.trim()) this.#trigger = { processingTimeInterval: p };
      else throw new InvalidArgumentError(`trigger(): processingTime must be an interval string like "5 seconds" or milliseconds >= 0`);
    } else if (t.once === true) this.#trigger = { once: true };
    else if (t.availableNow === true) this.#trigger = { availableNow: true };
    else throw new InvalidArgumentError('trigger(): once and availableNow take only `true`');
    return this;
  }

  queryName(name: string): this {
    this.#queryName = requireName('queryName', 'name', name);
    return this;
  }

  checkpointLocation(path: string): this {
    this.optionMap['checkpointLocation'] = requireName('checkpointLocation', 'path', path);
    return this;
  }

  partitionBy(...columns: string[]): this {
    this.#partitionBy = columns.map((c) => requireName('partitionBy', 'column', c));
    return this;
  }

  /** Start the query, writing to `path` when given. */
  start(path?: string): Promise<StreamingQuery> {
    return this.#start(path === undefined ? {} : { path: requireName('start', 'path', path) });
  }

  /** Start the query, appending to a table. */
  toTable(name: string): Promise<StreamingQuery> {
    return this.#start({ tableName: requireName('toTable', 'name', name) });
  }

  async #start(sink: Pick<WriteStreamOperationStart, 'path' | 'tableName'>): Promise<StreamingQuery> {
    const op: WriteStreamOperationStart = {
      input: this.#input,
      format: this.formatName ?? '',
      options: this.optionMap,
      partitioningColumnNames: this.#partitionBy,
      outputMode: this.#outputMode,
      queryName: this.#queryName,
      ...this.#trigger,
      ...sink,
    };
    const responses = await this.#ctx.client.command({ command: { writeStreamOperationStart: op } });
    const started = responses.find((r) => r.writeStreamOperationStartResult)?.writeStreamOperationStartResult;
    if (!started) throw new SparkError('Spark did not report the started streaming query');
    this.#ctx.queryStarted();
    return StreamingQuery.create(this.#ctx, started.queryId.id, started.queryId.runId, started.name || null);
  }
}
