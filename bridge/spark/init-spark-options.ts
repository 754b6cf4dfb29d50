import { SPARK_RELEASE } from './version.js';
import { checkIntegerInRange, checkTimeout, checkObject, InvalidArgumentError } from '../../runtime/base/index.js';

/** Options of initSpark, after the seed's `init_spark`. */
export interface InitSparkOptions {
  /** spark.app.name; default "drls". */
  appName?: string;
  /**
   * Spark master of the local server; default "local[2]" (a small machine), or, with
   * `numExecutors`, executors in JVMs of their own (Spark's `local-cluster`).
   */
  master?: string;
  /**
   * Executors in their own JVMs, as on a cluster: Spark's `local-cluster[numExecutors,executorCores,executorMemory]`.
   * Not with `master`.
   */
  numExecutors?: number;
  /** Cores of each executor, with `numExecutors`; default 1. */
  executorCores?: number;
  /** spark.executor.memory, e.g. "512m"; with `numExecutors`, default "512m". */
  executorMemory?: string;
  /**
   * The Spark 4.x the local server runs, e.g. "4.0.5"; default the pinned one (`SPARK_VERSION`),
   * or the environment's DRLS_SPARK_VERSION. Set-up fetches it on first use.
   */
  sparkVersion?: string;
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
  /** With numExecutors: executors in their own JVMs. */
  executors: { count: number; cores: number; memoryMiB: number } | undefined;
  executorMemory: string | undefined;
  sparkVersion: string | undefined;
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
  'numExecutors',
  'executorCores',
  'executorMemory',
  'sparkVersion',
  'driverMemory',
  'configs',
  'icebergCatalog',
  'icebergWarehouse',
  'remote',
  'startTimeoutMs',
  'logDir',
]);

/** A JVM memory size in MiB ("512m", "2g"); what local-cluster takes. */
function memoryMiB(size: string): number {
  const n = Number.parseInt(size, 10);
  const unit = size.at(-1)!.toLowerCase();
  const mib = unit === 'k' ? n / 1024 : unit === 'm' ? n : unit === 'g' ? n * 1024 : unit === 't' ? n * 1024 * 1024 : n / (1024 * 1024);
  return Math.max(1, Math.round(mib));
}

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
  let executors: ValidOptions['executors'];
  if (o.numExecutors !== undefined) {
    if (o.master !== undefined) throw new InvalidArgumentError('options.numExecutors and options.master must not both be given: numExecutors picks the master');
    checkIntegerInRange(o.numExecutors, 'options.numExecutors', 1, 64);
    const cores = o.executorCores ?? 1;
    checkIntegerInRange(cores, 'options.executorCores', 1, 256);
    executors = { count: o.numExecutors, cores, memoryMiB: memoryMiB(mem('executorMemory', o.executorMemory) ?? '512m') };
  } else if (o.executorCores !== undefined) {
    throw new InvalidArgumentError('options.executorCores needs options.numExecutors (executors in their own JVMs)');
  }
  const sparkVersion = str('sparkVersion', o.sparkVersion) ?? (process.env['DRLS_SPARK_VERSION'] || undefined);
  if (sparkVersion !== undefined && !SPARK_RELEASE.test(sparkVersion)) {
    throw new InvalidArgumentError(`options.sparkVersion must be a Spark 4 release such as "4.0.5", got "${sparkVersion}" (or from DRLS_SPARK_VERSION)`);
  }
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
    executors,
    executorMemory: executors ? `${executors.memoryMiB}m` : mem('executorMemory', o.executorMemory),
    sparkVersion,
    driverMemory: mem('driverMemory', o.driverMemory) ?? '2g',
    configs,
    icebergCatalog,
    icebergWarehouse,
    remote: str('remote', o.remote) ?? (process.env['SPARK_REMOTE'] || undefined),
    startTimeoutMs,
    logDir: str('logDir', o.logDir),
  };
}
