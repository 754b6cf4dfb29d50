// Memory bounded by maxBufferedBytes whatever the source: a `rate` stream (whose epochs grow
// while Spark is held back) read ten times slower than Spark makes it, in a child Node with
// default flags. Epochs larger than the limit spill to disk instead of overshooting memory.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localServer } from '../../bridge/spark/index.js';
import { getSpark } from '../support/spark.js';
import { scratchDir } from '../support/scratch.js';

const CHILD = fileURLToPath(new URL('./fixtures/rss-child.ts', import.meta.url));
const MiB = 1024 * 1024;

interface Report {
  idle: number;
  peak: number;
  limit: number;
  rows: number;
  storedSeen: number;
  published: number;
  bytesPublished: number;
}

const test = suite('memory bound (real Spark, a child process)');

test('a rate stream and a consumer 10x slower than Spark: peak RSS within idle + maxBufferedBytes + 100 MiB', async () => {
  await getSpark();
  const server = localServer()!;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD, `${server.address}/;token=${server.token}`, '5'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TMPDIR: await scratchDir('drls-rss-') },
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.is(code, 0, `the child ran to its end: ${out}`);
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as Report;
  const mib = (n: number): string => `${(n / MiB).toFixed(0)} MiB`;
  const detail = `idle ${mib(r.idle)}, peak ${mib(r.peak)}, limit ${mib(r.limit)}; ${r.rows} rows read of ${mib(r.bytesPublished)} in ${r.published} micro-batches`;
  assert.ok(r.storedSeen > 0, `an epoch outgrew the limit and was spilled (${detail})`);
  assert.ok(r.bytesPublished > 2 * r.limit, `Spark sent well past the limit (${detail})`);
  assert.ok(r.peak - r.idle <= r.limit + 100 * MiB, `peak RSS within idle + limit + 100 MiB (${detail})`);
  console.log(`  memory: ${detail}`);
});

test.run();
