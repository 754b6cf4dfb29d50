import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scratchDir } from '../../support/scratch.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../../bridge/spark/cli.ts', import.meta.url));
const drls = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  run(process.execPath, ['--import', 'tsx', CLI, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const test = suite('the drls command');

test('doctor checks each piece a first run needs, and does a local round trip', async () => {
  const { code, stdout } = await drls(['doctor']);
  assert.is(code, 0, stdout);
  for (const what of ['java', 'Spark 4.1.1', 'connector jar', 'proxy', 'local round trip']) assert.match(stdout, new RegExp(`^ok +${what}:`, 'm'));
});

test('doctor says what is missing, each on its own line, and fails', async () => {
  // An empty cache: no Spark; the round trip is then not tried.
  const { code, stdout } = await drls(['doctor'], { ...process.env, DRLS_CACHE_DIR: await scratchDir('drls-doctor-'), https_proxy: 'http://127.0.0.1:9' });
  assert.is(code, 1);
  assert.match(stdout, /^ok +java:/m);
  assert.match(stdout, /^FAIL Spark 4\.1\.1: not in the cache .*npx drls setup 4\.1\.1/m);
  assert.match(stdout, /^ok +proxy: https_proxy set; drls never sends loopback traffic through a proxy/m);
  assert.match(stdout, /^FAIL local round trip: not tried/m);
});

test('an unknown command prints the usage and fails', async () => {
  const { code, stderr } = await drls(['bogus']);
  assert.is(code, 2);
  assert.match(stderr, 'unknown command "bogus"');
  assert.match(stderr, 'doctor');
});

test.run();
