// Durable streams across restarts, with real processes: the Node side (a child process running
// a forward and a reverse stream on stream logs) is SIGKILLed mid-stream and started again on
// the same logs and checkpoints; its Spark is killed under it; both go at once. Every row is
// counted: none lost; the forward path delivers again only epochs it had not acknowledged, with
// their epoch ids; the reverse path's parquet output holds every row exactly once.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localServer } from '../../bridge/spark/index.js';
import type { SparkSession } from '../../index.js';
import { getSpark } from '../support/spark.js';
import { scratchDir } from '../support/scratch.js';
import { until } from '../support/gate.js';
import { alive, startChild, type Child } from '../support/child.js';
import type { ChildConfig } from './fixtures/durable-child.js';

const CHILD = fileURLToPath(new URL('./fixtures/durable-child.ts', import.meta.url));
const TOTAL_FORWARD = 6000;
const CHUNKS = 10;

type Event = { ev: string; epoch?: number; values?: number[]; position?: number; pid?: number; message?: string };

function startDurableChild(cfg: ChildConfig, tmp: string): Child<Event> {
  return startChild<Event>(CHILD, [JSON.stringify(cfg)], {
    nodeArgs: ['--conditions=source'],
    // Its temporary files (a Spark's scratch, spills) under the test's directory: a SIGKILLed child cannot remove them.
    env: { ...process.env, TMPDIR: tmp },
    parse: (line) => (line.startsWith('{') ? (JSON.parse(line) as Event) : undefined),
    said: (events) => events.filter((e) => e.ev !== 'rows').slice(-8),
  });
}

/** Forward rows each run received, checked: every value once at least; again only from epochs not acknowledged. */
function checkForward(runs: readonly (readonly Event[])[]): { redelivered: number[] } {
  const seen = new Map<number, number>(); // value -> epoch it came in
  const acked = new Set<number>();
  const redelivered = new Set<number>();
  for (const events of runs) {
    const ackedBefore = new Set(acked);
    for (const e of events) {
      if (e.ev === 'acked') acked.add(e.epoch!);
      if (e.ev !== 'rows') continue;
      assert.not.ok(ackedBefore.has(e.epoch!), `epoch ${e.epoch} came again although a run before had acknowledged it`);
      for (const v of e.values!) {
        const before = seen.get(v);
        if (before !== undefined) {
          assert.is(before, e.epoch, `value ${v} came again with another epoch id (${before} then ${e.epoch})`);
          redelivered.add(e.epoch!);
        }
        seen.set(v, e.epoch!);
      }
    }
  }
  const missing = Array.from({ length: TOTAL_FORWARD }, (_, i) => i).filter((v) => !seen.has(v));
  assert.equal(missing, [], `no forward row lost (${missing.length} missing)`);
  assert.is(seen.size, TOTAL_FORWARD);
  return { redelivered: [...redelivered].sort((a, b) => a - b) };
}

async function checkReverse(spark: SparkSession, outDir: string): Promise<void> {
  const t = await (await spark.sql(`select count(*) as n, count(distinct value) as d, min(value) as lo, max(value) as hi from parquet.\`${outDir}\``)).collect();
  const row = t.toArray()[0] as { n: bigint; d: bigint; lo: bigint; hi: bigint };
  assert.equal([row.n, row.d, row.lo, row.hi].map(Number), [CHUNKS * 1000, CHUNKS * 1000, 0, CHUNKS * 1000 - 1], 'every reverse row exactly once in Spark’s output');
}

/** Parquet input (6 files of 1000 rows) and a config for both streams, under a fresh directory. */
async function setUp(spark: SparkSession, name: string): Promise<{ dir: string; base: Omit<ChildConfig, 'spark'> }> {
  const dir = await scratchDir(`drls-durable-${name}-`);
  await (await spark.sql(`select id as value from range(0, ${TOTAL_FORWARD}, 1, 6)`)).write.mode('overwrite').parquet(join(dir, 'data'));
  return {
    dir,
    base: {
      forward: { dataDir: join(dir, 'data'), checkpoint: join(dir, 'fwd-ckpt'), logDir: join(dir, 'fwd-log'), useJvmSink: true, trigger: 'processing' },
      reverse: { checkpoint: join(dir, 'rev-ckpt'), logDir: join(dir, 'rev-log'), outDir: join(dir, 'out'), chunks: CHUNKS },
    },
  };
}

const test = suite('durable streams across restarts (real Spark, real processes)');

test('Node SIGKILLed mid-stream and started again on the same logs and checkpoints: no row lost, duplicates only from unacknowledged epochs', async () => {
  const spark = await getSpark();
  const server = localServer()!;
  const remote = `${server.address}/;token=${server.token}`;
  const { dir, base } = await setUp(spark, 'node');

  // First run: the consumer stops at epoch 2's first batch (so epochs 0-1 are acknowledged, and 2-3
  // are in the log unacknowledged); the reverse source stops once Spark has read position 5.
  const first = startDurableChild({ spark: remote, ...base, holds: [{ forwardEpoch: 2, reversePosition: 5 }] }, dir);
  await first.next('forward-held', (e) => e.ev === 'forward-held');
  await first.next('reverse-held', (e) => e.ev === 'reverse-held');
  await first.kill();

  const second = startDurableChild({ spark: remote, ...base, forward: { ...base.forward, trigger: 'availableNow' } }, dir);
  const resume = await second.next('its resume position', (e) => e.ev === 'resume');
  assert.is(resume.position, 5, 'the source resumes after the last position logged');
  await second.next('done', (e) => e.ev === 'done');
  assert.is(await second.exited, 0);

  const { redelivered } = checkForward([first.reports, second.reports]);
  assert.equal(redelivered, [2], 'epoch 2, delivered but not acknowledged when Node died, came again');
  const firstOfSecond = second.reports.find((e) => e.ev === 'rows');
  assert.is(firstOfSecond?.epoch, 2, 'the log delivers the unacknowledged epochs first, oldest first');
  await checkReverse(spark, base.reverse.outDir);
});

test('Spark killed under a running Node, then both killed at once: every row still arrives', async () => {
  const spark = await getSpark();
  const server = localServer()!;
  const remote = `${server.address}/;token=${server.token}`;
  const { dir, base } = await setUp(spark, 'spark');
  // Held mid-stream twice: on its first Spark, then on the one that replaces it.
  const cfg: ChildConfig = {
    spark: 'own',
    ...base,
    forward: { ...base.forward, useJvmSink: false },
    holds: [
      { forwardEpoch: 2, reversePosition: 4 },
      { forwardEpoch: 4, reversePosition: 7 },
    ],
  };
  const child = startDurableChild(cfg, dir);
  const { pid: firstSpark } = await child.next('its Spark', (e) => e.ev === 'spark');
  await child.next('forward-held', (e) => e.ev === 'forward-held');
  await child.next('reverse-held', (e) => e.ev === 'reverse-held');
  process.kill(firstSpark!, 'SIGKILL');
  await child.next('a new Spark', (e) => e.ev === 'restarted');
  const { pid: secondSpark } = await child.next('its second Spark', (e) => e.ev === 'spark' && e.pid !== firstSpark);
  const heldAgain = (ev: string) => (e: Event) => e.ev === ev && child.reports.indexOf(e) > child.reports.findIndex((x) => x.ev === 'restarted');
  await child.next('forward-held on the new Spark', heldAgain('forward-held'));
  await child.next('reverse-held on the new Spark', heldAgain('reverse-held'));
  // Both sides at once: Node dies, and its Spark with it.
  await child.kill();
  await until(`Spark ${secondSpark} is gone with its Node`, async () => alive(secondSpark!), (up) => !up, { timeoutMs: 30_000, intervalMs: 100 });

  const last = startDurableChild({ spark: remote, ...base, forward: { ...base.forward, trigger: 'availableNow' } }, dir);
  await last.next('done', (e) => e.ev === 'done');
  assert.is(await last.exited, 0);
  // Three runs of the Node side: before Spark died, after, and the last.
  const restart = child.reports.findIndex((e) => e.ev === 'restarted');
  const { redelivered } = checkForward([child.reports.slice(0, restart), child.reports.slice(restart), last.reports]);
  assert.ok(redelivered.includes(2) && redelivered.includes(4), `the epochs held unacknowledged came again (${redelivered.join(', ')})`);
  await checkReverse(spark, base.reverse.outDir);
});

test.run();
