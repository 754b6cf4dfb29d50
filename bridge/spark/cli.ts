#!/usr/bin/env node
// The `drls` command: `drls jar-path` prints where the JVM connector jar is (for --jars or
// spark.jars on a cluster); `drls setup` fetches the pinned Spark ahead of time.
import { DrlsError, errorMessage } from '../../runtime/base/index.js';
import { connectorJarPath } from './connector-jar.js';
import { ensureSpark } from './setup.js';

const USAGE = 'usage: drls <command>\n  jar-path   print the path of the drls connector jar\n  setup      fetch the pinned Spark into the cache (first use only)\n';

const log = (line: string): void => {
  process.stderr.write(`[drls] ${line}\n`);
};

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'jar-path':
      process.stdout.write(`${connectorJarPath()}\n`);
      return 0;
    case 'setup':
      try {
        await ensureSpark({ log });
        return 0;
      } catch (err) {
        log(`Spark set-up failed${err instanceof DrlsError ? ` (${err.code})` : ''}: ${errorMessage(err)}`);
        return 1;
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
