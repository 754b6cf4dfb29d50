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

interface Managed {
  session: SparkSession;
  server: LocalSparkServer | null;
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
  starting ??= start(opts).finally(() => {
    starting = null;
  });
  return starting;
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

async function start(opts: ValidOptions): Promise<SparkSession> {
  const install = await ensureSpark({ requireJava: opts.remote === undefined, ...(opts.sparkVersion ? { version: opts.sparkVersion } : {}) });
  if (opts.icebergCatalog !== undefined && opts.remote === undefined && !install.icebergJar) {
    throw new IcebergUnavailableError(
      `the Iceberg runtime for Spark ${install.version} is not in the cache; run \`npm run setup\` with network access to Maven Central`,
    );
  }
  if (opts.remote !== undefined) {
    const session = await SparkSession.connect({
      remote: opts.remote,
      protosDir: install.protosDir,
      onStop: async () => {
        current = null;
      },
    });
    if (opts.icebergCatalog !== undefined) {
      // Catalog confs are runtime confs; the extensions must already be on the remote server.
      for (const [k, v] of Object.entries(icebergConfs(opts, false))) await session.conf.set(k, v);
    }
    current = { session, server: null };
    return session;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'drls-spark-'));
  // Also when the process exits without stopSpark(): the server's own exit hook stops java.
  const removeScratch = (): void => rmSync(scratch, { recursive: true, force: true });
  process.once('exit', removeScratch);
  const dropScratch = (): void => {
    process.off('exit', removeScratch);
    removeScratch();
  };
  const confs: Record<string, string> = {
    'spark.master': opts.master,
    'spark.app.name': opts.appName,
    'spark.ui.enabled': 'false',
    'spark.sql.shuffle.partitions': '2',
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    // The in-memory catalog forgets tables at exit; their files must go with them.
    'spark.sql.warehouse.dir': join(scratch, 'warehouse'),
    'spark.driver.memory': opts.driverMemory,
    ...(opts.executorMemory ? { 'spark.executor.memory': opts.executorMemory } : {}),
    ...(opts.icebergCatalog !== undefined ? icebergConfs(opts, true) : {}),
    ...opts.configs,
  };
  const extraJars = [requireConnectorJar(), ...(opts.icebergCatalog !== undefined && install.icebergJar ? [install.icebergJar] : [])];
  let server: LocalSparkServer;
  try {
    server = await LocalSparkServer.start({
      install,
      confs,
      driverMemory: opts.driverMemory,
      extraJars,
      startTimeoutMs: opts.startTimeoutMs,
      ...(opts.logDir ? { logDir: opts.logDir } : {}),
    });
  } catch (err) {
    dropScratch();
    throw err;
  }
  const stopServer = async (): Promise<void> => {
    current = null;
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
    current = { session, server };
    return session;
  } catch (err) {
    await stopServer();
    throw err;
  }
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
