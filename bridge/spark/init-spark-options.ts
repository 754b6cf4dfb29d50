import { checkTimeout, checkObject, InvalidArgumentError } from '../../runtime/base/index.js';

/** Options of initSpark, after the seed's `init_spark`. */
export interface InitSparkOptions {
  /** spark.app.name; default "drls". */
  appName?: string;
  /** Spark master of the local server; default "local[2]" (a small machine). */
  master?: string;
  /** spark.executor.memory, e.g. "1g". */
  executorMemory?: string;
  /** Heap of the local server's JVM (the driver), e.g. "2g"; default "2g". */
  driverMemory?: string;
  /** Any Spark confs, e.g. { 'spark.sql.shuffle.partitions': 4 }. */
  configs?: Record<string, string | number | boolean>;
  /** Name of an Iceberg catalog to set up (a Hadoop catalog over `icebergWarehouse`). */
  icebergCatalog?: string;
  /** Warehouse folder of that catalog; default `.drls/iceberg-warehouse` under the working directory. */
  icebergWarehouse?: string;
  /** `sc://host:port` of a running server to use instead of starting one; default env SPARK_REMOTE. */
  remote?: string;
  /** How long the local server may take to answer; default 180 000 ms. */
  startTimeoutMs?: number;
  /** Folder for the local server's log; default `<cache>/logs`. */
  logDir?: string;
}

export interface ValidOptions {
  appName: string;
  master: string;
  executorMemory: string | undefined;
  driverMemory: string;
  configs: Record<string, string>;
  icebergCatalog: string | undefined;
  icebergWarehouse: string | undefined;
  remote: string | undefined;
  startTimeoutMs: number;
  logDir: string | undefined;
}

const MEMORY = /^\d+[kmgt]?$/i;
const KNOWN = new Set([
  'appName',
  'master',
  'executorMemory',
  'driverMemory',
  'configs',
  'icebergCatalog',
  'icebergWarehouse',
  'remote',
  'startTimeoutMs',
  'logDir',
]);

/** Check every option once, here; each message names the option and what it expects. */
export function validateOptions(options: InitSparkOptions | undefined): ValidOptions {
  if (options !== undefined) checkObject(options, 'initSpark(options): options');
  const o = options ?? {};
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new InvalidArgumentError(`initSpark: unknown option "${key}"; known options are ${[...KNOWN].join(', ')}`);
  }
  const str = (name: keyof InitSparkOptions, v: unknown): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(`options.${name} must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  };
  const mem = (name: 'executorMemory' | 'driverMemory', v: unknown): string | undefined => {
    const s = str(name, v);
    if (s !== undefined && !MEMORY.test(s)) {
      throw new InvalidArgumentError(`options.${name} must be a JVM memory size such as "512m" or "2g", got "${s}"`);
    }
    return s;
  };
  const configs: Record<string, string> = {};
  if (o.configs !== undefined) {
    checkObject(o.configs, 'options.configs');
    for (const [k, v] of Object.entries(o.configs)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) {
        throw new InvalidArgumentError(`options.configs["${k}"] must be a string, number or boolean, got ${typeof v}`);
      }
      configs[k] = String(v);
    }
  }
  const startTimeoutMs = o.startTimeoutMs ?? 180_000;
  checkTimeout(startTimeoutMs, 'options.startTimeoutMs');
  const icebergCatalog = str('icebergCatalog', o.icebergCatalog);
  if (icebergCatalog !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(icebergCatalog)) {
    throw new InvalidArgumentError(`options.icebergCatalog must be a plain identifier (letters, digits, _), got "${icebergCatalog}"`);
  }
  const icebergWarehouse = str('icebergWarehouse', o.icebergWarehouse);
  if (icebergWarehouse !== undefined && icebergCatalog === undefined) {
    throw new InvalidArgumentError('options.icebergWarehouse needs options.icebergCatalog (the catalog to put there)');
  }
  return {
    appName: str('appName', o.appName) ?? 'drls',
    master: str('master', o.master) ?? 'local[2]',
    executorMemory: mem('executorMemory', o.executorMemory),
    driverMemory: mem('driverMemory', o.driverMemory) ?? '2g',
    configs,
    icebergCatalog,
    icebergWarehouse,
    remote: str('remote', o.remote) ?? (process.env['SPARK_REMOTE'] || undefined),
    startTimeoutMs,
    logDir: str('logDir', o.logDir),
  };
}
