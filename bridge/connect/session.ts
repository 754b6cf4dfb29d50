import { tableToIPC, type Table } from 'apache-arrow';
import { checkOptionalString, checkPositive, checkTimeout, InvalidArgumentError, SparkError } from '../../runtime/base/index.js';
import { Catalog } from './catalog.js';
import { ConnectClient } from './client.js';
import type { SessionContext } from './context.js';
import { DataFrame } from './dataframe.js';
import type { Relation } from './messages.js';
import type { ForeachBatchBridge } from './foreach-batch.js';
import { DataFrameReader, DataStreamReader } from './reader.js';
import { parseRemote } from './remote.js';
import { RuntimeConfig } from './runtime-config.js';
import { StreamingQueryManager } from './streaming-query-manager.js';

export interface ConnectOptions {
  /** `sc://host:port`. */
  remote: string;
  /** Bearer token the server requires (`spark.connect.authenticate.token`); also `;token=` in `remote`. */
  token?: string;
  /** Folder holding spark/connect/*.proto (the set-up extracts them from the pinned Spark). */
  protosDir: string;
  /**
   * How often to touch the session while streaming queries run: Spark stops the queries of a
   * session idle for 60 minutes. Default 5 minutes.
   */
  keepAliveMs?: number;
  /** How long the server may take to give its first answer; default 15 000 ms. */
  connectTimeoutMs?: number;
  /** Run after the session is released by stop() (initSpark uses it to stop its server). */
  onStop?: () => Promise<void>;
}

/** Room left for the rest of the plan message under the server's 128 MiB cap. */
const MAX_LOCAL_RELATION = 120 * 2 ** 20;

/** How long connect() waits for the server's first answer before calling it unreachable. */
const FIRST_ANSWER_MS = 15_000;

/** A Spark Connect session: the entry point for DataFrames, reads, streams and conf. */
export class SparkSession {
  readonly #client: ConnectClient;
  readonly #ctx: SessionContext;
  readonly #keepAliveMs: number;
  readonly #onStop: (() => Promise<void>) | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #nextPlanId = 0;
  #stopping: Promise<void> | undefined;
  #foreachBatch: ForeachBatchBridge | undefined;
  readonly conf: RuntimeConfig;
  readonly streams: StreamingQueryManager;
  /** The Spark version of the server, e.g. "4.1.1". */
  readonly version: string;

  private constructor(client: ConnectClient, version: string, opts: ConnectOptions) {
    this.#client = client;
    this.version = version;
    this.#keepAliveMs = opts.keepAliveMs ?? 5 * 60_000;
    this.#onStop = opts.onStop;
    const session = this;
    this.#ctx = {
      client,
      sparkVersion: version,
      relation: (rel: Omit<Relation, 'common'>): Relation => ({ common: { planId: this.#nextPlanId++ }, ...rel }),
      queryStarted: () => this.#startKeepAlive(),
      get foreachBatch() {
        return session.#foreachBatch;
      },
    };
    this.conf = RuntimeConfig.create(client);
    this.streams = StreamingQueryManager.create(this.#ctx);
  }

  /** @internal Connect to a running Spark Connect server (initSpark does); fails within seconds when nothing answers. */
  static async connect(opts: ConnectOptions): Promise<SparkSession> {
    const remote = parseRemote(opts.remote);
    checkTimeout(opts.keepAliveMs, 'options.keepAliveMs');
    const timeoutMs = opts.connectTimeoutMs ?? FIRST_ANSWER_MS;
    checkTimeout(timeoutMs, 'options.connectTimeoutMs');
    checkOptionalString(opts.token, 'options.token');
    const client = new ConnectClient(remote, opts.protosDir, opts.token);
    let version: string;
    try {
      version = await firstAnswer(client, timeoutMs);
    } catch (err) {
      await client.close();
      throw err;
    }
    return new SparkSession(client, version, opts);
  }

  /**
   * @internal drls/streaming's enableForeachBatch: the bridge this session's foreachBatch queries
   * run through (a later call replaces it for queries started after).
   */
  static installForeachBatch(session: SparkSession, bridge: ForeachBatchBridge): void {
    session.#foreachBatch = bridge;
  }

  get remote(): string {
    return this.#client.remote.text;
  }

  get sessionId(): string {
    return this.#client.sessionId;
  }

  /**
   * Run a SQL statement. Commands (DDL, INSERT...) run now, as in PySpark; a query returns a
   * lazy DataFrame.
   */
  async sql(query: string): Promise<DataFrame> {
    if (typeof query !== 'string' || !query.trim()) throw new InvalidArgumentError('sql(query): query must be a non-empty string');
    const input = this.#ctx.relation({ sql: { query } });
    const responses = await this.#client.command({ command: { sqlCommand: { input } } });
    const rel = responses.find((r) => r.sqlCommandResult)?.sqlCommandResult?.relation;
    if (!rel) throw new SparkError('Spark did not answer the SQL command with a relation');
    return DataFrame.create(this.#ctx, rel);
  }

  /** Rows `id` from start (inclusive) to end (exclusive); `range(n)` is 0..n-1. */
  range(start: number | bigint, end?: number | bigint, step: number | bigint = 1, numPartitions?: number): DataFrame {
    const [from, to] = end === undefined ? [0n, start] : [start, end];
    for (const [name, v] of [['start', from], ['end', to], ['step', step]] as const) {
      if (typeof v !== 'bigint' && !Number.isSafeInteger(v)) throw new InvalidArgumentError(`range(): ${name} must be an integer, got ${String(v)}`);
    }
    if (BigInt(step) === 0n) throw new InvalidArgumentError('range(): step must not be 0');
    if (numPartitions !== undefined) checkPositive(numPartitions, 'range(): numPartitions', { integer: true });
    return DataFrame.create(
      this.#ctx,
      this.#ctx.relation({
        range: { start: String(from), end: String(to), step: String(step), ...(numPartitions ? { numPartitions } : {}) },
      }),
    );
  }

  /** A DataFrame holding an Arrow table's rows, sent to Spark as one Arrow IPC stream. */
  createDataFrame(table: Table): DataFrame {
    if (!table || typeof (table as Partial<Table>).numRows !== 'number' || !(table as Partial<Table>).schema) {
      throw new InvalidArgumentError('createDataFrame(table): expected an apache-arrow Table');
    }
    const data = tableToIPC(table, 'stream');
    // The whole table travels in one plan message, which the server caps at 128 MiB.
    if (data.byteLength > MAX_LOCAL_RELATION) {
      throw new InvalidArgumentError(
        `createDataFrame(table): the table is ${(data.byteLength / 2 ** 20).toFixed(0)} MiB as Arrow IPC, over the ` +
          `${MAX_LOCAL_RELATION / 2 ** 20} MiB Spark Connect accepts in one message; create it in slices and union them, or write it to files`,
      );
    }
    return DataFrame.create(this.#ctx, this.#ctx.relation({ localRelation: { data } }));
  }

  table(name: string): DataFrame {
    return this.read.table(name);
  }

  /** The databases, tables and views this session sees. */
  get catalog(): Catalog {
    return Catalog.create(this.#ctx);
  }

  get read(): DataFrameReader {
    return DataFrameReader.create(this.#ctx);
  }

  get readStream(): DataStreamReader {
    return DataStreamReader.create(this.#ctx);
  }

  /** Release the session on the server (its queries stop) and, for initSpark's own server, stop it. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
      await this.#client.close();
      await this.#onStop?.();
    })();
    return this.#stopping;
  }

  #startKeepAlive(): void {
    if (this.#keepAlive) return;
    // Listing active queries is a cheap call that also tells us when to stop pinging.
    this.#keepAlive = setInterval(() => {
      this.streams.active().then(
        (active) => {
          if (active.length === 0) {
            clearInterval(this.#keepAlive);
            this.#keepAlive = undefined;
          }
        },
        () => {
          /* a failed ping is retried at the next tick; the session's own calls report errors */
        },
      );
    }, this.#keepAliveMs);
    this.#keepAlive.unref();
  }
}

async function firstAnswer(client: ConnectClient, timeoutMs: number): Promise<string> {
  const answer = client.analyze({ sparkVersion: {} });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(client.toError({ code: 4, details: `no answer within ${timeoutMs} ms` })),
      timeoutMs,
    );
  });
  try {
    const res = await Promise.race([answer, timeout]);
    return res.sparkVersion?.version ?? 'unknown';
  } finally {
    clearTimeout(timer);
  }
}
