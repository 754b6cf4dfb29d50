import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../runtime/base/index.js';
import { connectorJarPath } from './connector-jar.js';
import { initSpark, stopSpark } from './init.js';
import { checkJava } from './java.js';
import { sparkHome } from './setup.js';
import { SPARK_VERSION } from './version.js';

/** One thing `drls doctor` looked at. */
export interface Finding {
  readonly ok: boolean;
  readonly what: string;
  readonly detail: string;
}

const PROXY_VARIABLES = ['grpc_proxy', 'https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY'];

/**
 * What a first run needs, each checked on its own so one missing piece does not hide the
 * others: Java, the Spark cache, the connector jar, proxy settings, and (unless `roundTrip` is
 * false) a local Spark started, asked one query, and stopped.
 */
export async function doctor(options: { roundTrip?: boolean; version?: string } = {}): Promise<Finding[]> {
  const version = options.version ?? (process.env['DRLS_SPARK_VERSION'] || SPARK_VERSION);
  const findings: Finding[] = [];
  const check = async (what: string, run: () => string | Promise<string>): Promise<boolean> => {
    try {
      findings.push({ ok: true, what, detail: await run() });
      return true;
    } catch (err) {
      findings.push({ ok: false, what, detail: errorMessage(err) });
      return false;
    }
  };
  const java = await check('java', () => {
    const { binary, major } = checkJava();
    return `Java ${major} at ${binary}`;
  });
  const spark = await check(`Spark ${version}`, () => {
    const home = sparkHome(version);
    if (!existsSync(join(home, 'jars'))) throw new Error(`not in the cache (${home}); \`npx drls setup ${version}\` fetches it (about 450 MB)`);
    return `cached in ${home}`;
  });
  const jar = await check('connector jar', () => {
    const path = connectorJarPath();
    if (!existsSync(path)) throw new Error(`missing: ${path} (in a checkout, \`npm run setup\` builds it)`);
    return path;
  });
  await check('proxy', () => {
    const set = PROXY_VARIABLES.filter((name) => process.env[name]);
    return set.length === 0
      ? 'none set'
      : `${set.join(', ')} set; drls never sends loopback traffic through a proxy, and follows no_proxy for remote servers`;
  });
  if (options.roundTrip !== false) {
    if (!(java && spark && jar)) findings.push({ ok: false, what: 'local round trip', detail: 'not tried: fix the above first' });
    else {
      await check('local round trip', async () => {
        const started = performance.now();
        try {
          const session = await initSpark({ appName: 'drls-doctor', driverMemory: '1g', ...(version !== SPARK_VERSION ? { sparkVersion: version } : {}) });
          const rows = await session.range(1000).count();
          if (rows !== 1000) throw new Error(`Spark counted ${rows} rows of 1000`);
          return `Spark ${session.version} started, answered a query and stopped in ${((performance.now() - started) / 1000).toFixed(1)} s`;
        } finally {
          await stopSpark();
        }
      });
    }
  }
  return findings;
}
