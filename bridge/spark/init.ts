import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRemote } from '../connect/remote.js';
import { SparkSession } from '../connect/session.js';
import { IcebergUnavailableError } from '../../runtime/base/index.js';
import { validateOptions, type InitSparkOptions, type ValidOptions } from './init-spark-options.js';
import { requireConnectorJar } from './connector-jar.js';
import { LocalSparkServer } from './server.js';
import { ensureSpark } from './setup.js';
import { stderrSetupLog } from './setup-log.js';
import { SCALA_BINARY, SPARK_VERSION, icebergRuntimeFor } from './version.js';

export interface Managed {
  readonly session: SparkSession;
  readonly server: LocalSparkServer | null;
}

let current: Managed | null = null;
let starting: Promise<SparkSession> | null = null;

/**
 * Start a local Spark Connect server (or connect to `remote` / SPARK_REMOTE) and return its
 * session. While that session is live, later calls return it (like getOrCreate).
 */
export function initSpark(options?: InitSparkOptions): Promise<SparkSession> {
  const opts = validateOptions(options);
  if (opts.remote !== undefined) parseRemote(opts.remote); // a malformed address fails here, typed
  if (current) return Promise.resolve(current.session);
  starting ??= start(opts, () => {
    current = null;
  })
    .then((managed) => {
      current = managed;
      return managed.session;
    })
    .finally(() => {
      starting = null;
    });
  return starting;
}

/**
 * @internal A Spark of its own beside initSpark's one per process (test support, tools): the
 * same set-up and server, with a session whose stop() also stops its server.
 */
export function startSpark(options?: InitSparkOptions): Promise<Managed> {
  const opts = validateOptions(options);
  if (opts.remote !== undefined) parseRemote(opts.remote);
  return start(opts, () => undefined);
}

/** Stop what initSpark started: its session and, when it started one, the local server. */
export async function stopSpark(): Promise<void> {
  if (starting) await starting.catch(() => undefined);
  const m = current;
  if (!m) return;
  await m.session.stop(); // its onStop stops the server and clears `current`
}

/** The local server initSpark started, if any (its port, log file, start time). */
export function localServer(): LocalSparkServer | null {
  return current?.server ?? null;
}

async function start(opts: ValidOptions, stopped: () => void): Promise<Managed> {
  const install = await ensureSpark({
    requireJava: opts.remote === undefined,
    iceberg: opts.icebergCatalog !== undefined && opts.remote === undefined,
    // The first run fetches Spark (about 450 MB): say so, with progress on a terminal.
    log: stderrSetupLog(),
    ...(opts.sparkVersion ? { version: opts.sparkVersion } : {}),
  });
  if (opts.icebergCatalog !== undefined && opts.remote === undefined && !install.icebergJar) {
    throw new IcebergUnavailableError(
      icebergRuntimeFor(install.version)
        ? `the Iceberg runtime for Spark ${install.version} is not in the cache; run \`npm run setup\` with network access to Maven Central`
        : `drls pins no Iceberg runtime for Spark ${install.version} (only for Spark ${SPARK_VERSION.replace(/\.\d+$/, '')}.x); use that Spark, or put an Iceberg runtime on the server yourself`,
    );
  }
  if (opts.remote !== undefined) {
    const session = await SparkSession.connect({
      remote: opts.remote,
      protosDir: install.protosDir,
      onStop: async () => stopped(),
    });
    if (opts.icebergCatalog !== undefined) {
      // Catalog confs are runtime confs; the extensions must already be on the remote server.
      for (const [k, v] of Object.entries(icebergConfs(opts, false))) await session.conf.set(k, v);
    }
    return { session, server: null };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'drls-spark-'));
  // Also when the process exits without stopSpark(): the server's own exit hook stops java.
  const removeScratch = (): void => rmSync(scratch, { recursive: true, force: true });
  process.once('exit', removeScratch);
  const dropScratch = (): void => {
    process.off('exit', removeScratch);
    removeScratch();
  };
  const extraJars = [requireConnectorJar(), ...(opts.icebergCatalog !== undefined && install.icebergJar ? [install.icebergJar] : [])];
  const confs: Record<string, string> = {
    'spark.master': opts.executors ? localCluster(opts.executors) : opts.master,
    'spark.app.name': opts.appName,
    'spark.ui.enabled': 'false',
    'spark.sql.shuffle.partitions': '2',
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    // The in-memory catalog forgets tables at exit; their files must go with them.
    'spark.sql.warehouse.dir': join(scratch, 'warehouse'),
    'spark.driver.memory': opts.driverMemory,
    // The driver path (useJvmSink: false) returns each task's Arrow batches as its result. Past
    // Spark's default 1 MiB, a result is stored in the block manager and fetched back over the
    // network, even inside one JVM; sent directly (Spark caps it at the RPC message size) the
    // driver path measured 0.80-0.85x noop instead of 0.71-0.75x. Spark takes the smaller of this
    // and spark.rpc.message.maxSize (128 MiB by default).
    'spark.task.maxDirectResultSize': '128m',
    ...(opts.executorMemory ? { 'spark.executor.memory': opts.executorMemory } : {}),
    // Executors in JVMs of their own do not see the driver's classpath: the jars reach them as
    // a cluster's would, through spark.jars.
    ...(opts.executors ? { 'spark.executor.cores': String(opts.executors.cores) } : {}),
    ...(opts.executors || !opts.master.startsWith('local') ? { 'spark.jars': extraJars.join(',') } : {}),
    ...(opts.icebergCatalog !== undefined ? icebergConfs(opts, true) : {}),
    ...opts.configs,
  };
  let server: LocalSparkServer;
  try {
    server = await LocalSparkServer.start({
      install,
      confs,
      driverMemory: opts.driverMemory,
      extraJars,
      startTimeoutMs: opts.startTimeoutMs,
      // local-cluster's workers launch executors from SPARK_HOME's jars, and need Spark's Scala
      // version to find them (Spark's own launch scripts set it).
      ...(opts.executors ? { env: { SPARK_HOME: install.home, SPARK_SCALA_VERSION: SCALA_BINARY } } : {}),
      ...(opts.logDir ? { logDir: opts.logDir } : {}),
    });
  } catch (err) {
    dropScratch();
    throw err;
  }
  const stopServer = async (): Promise<void> => {
    stopped();
    await server.stop();
    dropScratch();
  };
  try {
    // Our own server already answers on its port; on a busy machine its first reply can be slow.
    const session = await SparkSession.connect({
      remote: server.address,
      token: server.token,
      protosDir: install.protosDir,
      connectTimeoutMs: opts.startTimeoutMs,
      onStop: stopServer,
    });
    return { session, server };
  } catch (err) {
    await stopServer();
    throw err;
  }
}

/** Spark's master for executors in their own JVMs: a standalone master and workers inside the driver. */
function localCluster(executors: NonNullable<ValidOptions['executors']>): string {
  // Each worker offers exactly one executor's cores and memory.
  return `local-cluster[${executors.count},${executors.cores},${executors.memoryMiB}]`;
}

function icebergConfs(opts: ValidOptions, withExtensions: boolean): Record<string, string> {
  const name = opts.icebergCatalog!;
  const warehouse = resolve(opts.icebergWarehouse ?? join('.drls', 'iceberg-warehouse'));
  return {
    ...(withExtensions ? { 'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions' } : {}),
    [`spark.sql.catalog.${name}`]: 'org.apache.iceberg.spark.SparkCatalog',
    [`spark.sql.catalog.${name}.type`]: 'hadoop',
    [`spark.sql.catalog.${name}.warehouse`]: warehouse,
  };
}
