import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureSpark, LocalSparkServer } from '../../../bridge/spark/index.js';
import { SparkStartFailedError } from '../../../index.js';
import { scratchDir } from '../../support/scratch.js';
import { alive, startChild } from '../../support/child.js';
import { until } from '../../support/gate.js';

const CHILD = fileURLToPath(new URL('./fixtures/spark-child.ts', import.meta.url));

/** Starts the fixture and waits for the JVMs' pids it prints. */
async function startSparkChild(mode: 'stop' | 'wait', layout: 'local' | 'cluster' = 'local') {
  // Its temporary files go under a directory of ours: a SIGKILLed child cannot remove them.
  const env = { ...process.env, TMPDIR: await scratchDir('drls-lifecycle-') };
  const child = startChild(CHILD, [mode, layout], { env });
  // It prints the executors' line and the server's pid at once, that line first.
  const pid = Number((await child.next('its Spark JVM\'s pid', (line) => /^pid \d+$/.test(line), 300_000)).slice('pid '.length));
  const executors = (child.reports.find((line) => line.startsWith('executors '))?.slice('executors '.length) ?? '').split(',').filter(Boolean).map(Number);
  return { child, pid, executors };
}

/** The JVM is gone once the watchdog's grace period is over: wait for that, bounded. */
async function gone(pid: number, what: string): Promise<void> {
  await until(what, async () => alive(pid), (up) => !up, { timeoutMs: 20_000, intervalMs: 100 });
}

test('stopSpark() leaves no Java process behind', async () => {
  const { child, pid } = await startSparkChild('stop');
  assert.ok(pid > 0);
  assert.is(await child.exited, 0);
  assert.ok(child.reports.includes('stopped'), `it said: ${JSON.stringify(child.reports)}`);
  // stopSpark resolved only after the JVM exited, so it is gone already.
  assert.is(alive(pid), false);
});

test('the JVM does not outlive a Node process that is SIGKILLed', async () => {
  const { child, pid } = await startSparkChild('wait');
  assert.is(alive(pid), true);
  await child.kill();
  await gone(pid, `java ${pid} is gone after its Node parent was killed`);
});

test('executors in JVMs of their own go with their server: on stopSpark(), and when Node is SIGKILLed', async () => {
  for (const mode of ['stop', 'wait'] as const) {
    const { child, pid, executors } = await startSparkChild(mode, 'cluster');
    assert.is(executors.length, 2, 'two executor JVMs ran the job');
    if (mode === 'wait') await child.kill();
    else await child.exited;
    for (const jvm of [pid, ...executors]) await gone(jvm, `JVM ${jvm} is gone after ${mode === 'stop' ? 'stopSpark()' : 'Node was killed'}`);
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
