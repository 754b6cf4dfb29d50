import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureSpark, LocalSparkServer } from '../../../bridge/spark/index.js';
import { SparkStartFailedError } from '../../../index.js';
import { scratchDir } from '../../support/scratch.js';

const CHILD = fileURLToPath(new URL('./fixtures/spark-child.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Start the fixture and resolve with the JVM pid it prints. */
async function startChild(mode: 'stop' | 'wait', layout: 'local' | 'cluster' = 'local') {
  // Its temporary files go under a directory of ours: a SIGKILLed child cannot remove them.
  const env = { ...process.env, TMPDIR: await scratchDir('drls-lifecycle-') };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, layout], { stdio: ['ignore', 'pipe', 'inherit'], env });
  child.stdout.setEncoding('utf8');
  let out = '';
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      out += d;
      const m = /pid (\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before starting Spark: ${out}`)));
  });
  const executors = (/executors ([\d,]*)\n/.exec(out)?.[1] ?? '').split(',').filter(Boolean).map(Number);
  return { child, pid, executors, output: () => out };
}

/** The JVM is gone once the watchdog's grace period is over; wait for that, bounded. */
async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

test('stopSpark() leaves no Java process behind', async () => {
  const { child, pid, output } = await startChild('stop');
  assert.ok(pid > 0);
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.is(code, 0);
  assert.match(output(), 'stopped');
  // stopSpark resolved only after the JVM exited, so it is gone already.
  assert.is(alive(pid), false);
});

test('the JVM does not outlive a Node process that is SIGKILLed', async () => {
  const { child, pid } = await startChild('wait');
  assert.is(alive(pid), true);
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.ok(await gone(pid, 20_000), `java ${pid} still runs after its Node parent was killed`);
});

test('executors in JVMs of their own go with their server: on stopSpark(), and when Node is SIGKILLed', async () => {
  for (const mode of ['stop', 'wait'] as const) {
    const { child, pid, executors } = await startChild(mode, 'cluster');
    assert.is(executors.length, 2, 'two executor JVMs ran the job');
    if (mode === 'wait') child.kill('SIGKILL');
    await once(child, 'exit');
    for (const jvm of [pid, ...executors]) assert.ok(await gone(jvm, 20_000), `JVM ${jvm} still runs after ${mode === 'stop' ? 'stopSpark()' : 'Node was killed'}`);
  }
});

test('a failed start is a typed error with the log\'s last lines', async () => {
  const install = await ensureSpark();
  try {
    // A heap far too small makes the JVM refuse to start.
    await LocalSparkServer.start({ install, confs: {}, driverMemory: '1k' });
    assert.unreachable('the server started');
  } catch (err) {
    assert.instance(err, SparkStartFailedError);
    assert.is((err as SparkStartFailedError).code, 'DRLS_SPARK_START_FAILED');
    assert.match((err as Error).message, 'java exited');
    assert.match((err as SparkStartFailedError).logTail, /heap/i);
  }
});

test.run();
