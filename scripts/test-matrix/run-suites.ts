// Runs test files as uvu's CLI does (one process, so one local Spark serves them all), with
// each test's outcome recorded (uvu-recorder.ts). The compatibility matrix starts one per Spark
// version, with DRLS_SPARK_VERSION and DRLS_MATRIX_RESULTS set:
//   node --import tsx scripts/test-matrix/run-suites.ts <test file>...
import { register } from 'node:module';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const g = globalThis as { UVU_DEFER?: number; UVU_QUEUE?: unknown[][]; UVU_INDEX?: number };
// Set before uvu loads: it then queues suites instead of running them at once.
g.UVU_DEFER = 1;
register('./hooks.ts', import.meta.url);
const { exec } = await import('uvu');
g.UVU_QUEUE ??= [];

const files = process.argv.slice(2);
for (const [i, file] of files.entries()) {
  g.UVU_INDEX = i;
  g.UVU_QUEUE.push([relative('test', file)]);
  await import(pathToFileURL(resolve(file)).href);
}
await exec();
