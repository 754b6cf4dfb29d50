#!/usr/bin/env node
// The `drls` command: `drls jar-path` prints where the JVM connector jar is (for --jars or
// spark.jars on a cluster); `drls setup [version]` fetches a Spark ahead of time; `drls doctor`
// checks what a first run needs.
import { DrlsError, errorMessage } from '../../runtime/base/index.js';
import { connectorJarPath } from './connector-jar.js';
import { doctor } from './doctor.js';
import { ensureSpark } from './setup.js';
import { stderrSetupLog } from './setup-log.js';

const USAGE =
  'usage: drls <command>\n  jar-path           print the path of the drls connector jar\n' +
  '  setup [version] [--iceberg]\n' +
  '                     fetch a Spark 4.x into the cache (default: DRLS_SPARK_VERSION, or the pinned one),\n' +
  '                     and with --iceberg its Iceberg runtime\n' +
  '  doctor [--no-spark] check Java, the Spark cache, the connector jar, proxy settings, and a local round trip\n';

const log = stderrSetupLog();

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'jar-path':
      process.stdout.write(`${connectorJarPath()}\n`);
      return 0;
    case 'setup':
      try {
        const args = process.argv.slice(3);
        const version = args.find((a) => !a.startsWith('--')) ?? (process.env['DRLS_SPARK_VERSION'] || undefined);
        await ensureSpark({ log, iceberg: args.includes('--iceberg'), ...(version ? { version } : {}) });
        return 0;
      } catch (err) {
        log(`Spark set-up failed${err instanceof DrlsError ? ` (${err.code})` : ''}: ${errorMessage(err)}`);
        return 1;
      }
    case 'doctor': {
      const findings = await doctor({ roundTrip: !process.argv.includes('--no-spark') });
      for (const f of findings) process.stdout.write(`${f.ok ? 'ok  ' : 'FAIL'} ${f.what}: ${f.detail}\n`);
      return findings.every((f) => f.ok) ? 0 : 1;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`drls: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

process.exitCode = await main(process.argv[2]);
