import { FormatOptions } from './format-options.js';
import { checkFunction, checkOneOf, ForeachBatchUnavailableError, InvalidArgumentError, SparkError } from '../../runtime/base/index.js';
import type { SessionContext } from './context.js';
import { emptyTableOf } from './empty-table.js';
import type { ForeachBatchFunction } from './foreach-batch.js';
import type { Relation, WriteStreamOperationStart } from './messages.js';
import { requireName } from './option-values.js';
import { StreamingQuery, type QueryBridge } from './streaming-query.js';

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
  #foreachBatch: ForeachBatchFunction | undefined;

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

  /**
   * Run `handler` in this Node process on every micro-batch, as PySpark's foreachBatch: an Arrow
   * Table of the epoch's rows and Spark's batch id, awaited before Spark's commit of the epoch
   * completes, one epoch at a time, in order, each committed epoch once. A rejection fails the
   * query with its message. An epoch with no rows is passed too, as an empty Table with the
   * query's columns. The format is then the drls connector's (a `format()` given is not used);
   * other options go to it. Needs `enableForeachBatch(spark)` from `drls/streaming` first.
   */
  foreachBatch(handler: ForeachBatchFunction): this {
    checkFunction(handler, 'foreachBatch(handler): handler');
    if (!this.#ctx.foreachBatch) throw new ForeachBatchUnavailableError();
    this.#foreachBatch = handler;
    return this;
  }

  /** Start the query, writing to `path` when given. */
  start(path?: string): Promise<StreamingQuery> {
    if (this.#foreachBatch) {
      if (path !== undefined) throw new InvalidArgumentError('start(path): a foreachBatch query writes through its handler only; call start() without a path');
      return this.#startForeachBatch(this.#foreachBatch);
    }
    return this.#start(this.#operation(path === undefined ? {} : { path: requireName('start', 'path', path) }));
  }

  /** Start the query, appending to a table. */
  toTable(name: string): Promise<StreamingQuery> {
    if (this.#foreachBatch) throw new InvalidArgumentError('toTable(name): a foreachBatch query writes through its handler only; call start()');
    return this.#start(this.#operation({ tableName: requireName('toTable', 'name', name) }));
  }

  /** The start command as the writer stands now (later calls on the writer do not change it). */
  #operation(sink: Pick<WriteStreamOperationStart, 'path' | 'tableName'>): WriteStreamOperationStart {
    return {
      input: this.#input,
      format: this.formatName ?? '',
      options: { ...this.optionMap },
      partitioningColumnNames: this.#partitionBy,
      outputMode: this.#outputMode,
      queryName: this.#queryName,
      ...this.#trigger,
      ...sink,
    };
  }

  /** Spark Connect gives foreachBatch to Python and Scala only: the drls bridge carries it to Node instead. */
  #startForeachBatch(handler: ForeachBatchFunction): Promise<StreamingQuery> {
    const bridge = this.#ctx.foreachBatch;
    if (!bridge) throw new ForeachBatchUnavailableError();
    const { checkpointLocation, ...options } = this.optionMap;
    const op = this.#operation({});
    const input = this.#input;
    return bridge.start({
      handler,
      checkpointLocation,
      options,
      emptyBatch: () => emptyTableOf(this.#ctx, input),
      start: (sink, queryBridge) => this.#start({ ...op, format: 'drls', options: { ...sink.options, checkpointLocation: sink.checkpointLocation } }, queryBridge),
    });
  }

  async #start(op: WriteStreamOperationStart, bridge?: QueryBridge): Promise<StreamingQuery> {
    const responses = await this.#ctx.client.command({ command: { writeStreamOperationStart: op } });
    const started = responses.find((r) => r.writeStreamOperationStartResult)?.writeStreamOperationStartResult;
    if (!started) throw new SparkError('Spark did not report the started streaming query');
    this.#ctx.queryStarted();
    return StreamingQuery.create(this.#ctx, started.queryId.id, started.queryId.runId, started.name || null, bridge);
  }
}
