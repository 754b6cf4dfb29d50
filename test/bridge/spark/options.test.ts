import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError } from '../../../runtime/base/index.js';
import { InvalidRemoteError } from '../../../index.js';
import { initSpark } from '../../../bridge/spark/index.js';

async function rejection(p: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

test('a malformed remote is a typed error naming the address', async () => {
  const err = await rejection(() => initSpark({ remote: 'http://localhost:15002' }));
  assert.instance(err, InvalidRemoteError);
  assert.is(err.code, 'DRLS_INVALID_REMOTE');
  assert.match(err.message, 'http://localhost:15002');
  const port = await rejection(() => initSpark({ remote: 'sc://localhost:99999' }));
  assert.is(port.code, 'DRLS_INVALID_REMOTE');
  assert.match(port.message, 'out of range');
});

test('each bad option is named with what was expected', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ driverMemory: 'lots' }, 'options.driverMemory must be a JVM memory size'],
    [{ executorMemory: 3 }, 'options.executorMemory must be a non-empty string'],
    [{ appName: '' }, 'options.appName must be a non-empty string'],
    [{ configs: ['a'] }, 'options.configs must be an object'],
    [{ configs: { 'spark.x': {} } }, 'options.configs["spark.x"] must be a string, number or boolean'],
    [{ icebergCatalog: 'my-cat' }, 'options.icebergCatalog must be a plain identifier'],
    [{ icebergWarehouse: '/tmp/w' }, 'options.icebergWarehouse needs options.icebergCatalog'],
    [{ startTimeoutMs: -1 }, 'options.startTimeoutMs must be a positive number'],
    [{ numExecutors: 0 }, 'options.numExecutors must be an integer from 1 to 64'],
    [{ numExecutors: 2, master: 'local[2]' }, 'options.numExecutors and options.master must not both be given'],
    [{ executorCores: 2 }, 'options.executorCores needs options.numExecutors'],
    [{ numExecutors: 2, executorMemory: 'lots' }, 'options.executorMemory must be a JVM memory size'],
    [{ sparkVersion: '3.5.1' }, 'options.sparkVersion must be a Spark 4 release'],
    [{ colour: 'red' }, 'unknown option "colour"'],
  ];
  for (const [opts, message] of cases) {
    const err = await rejection(() => initSpark(opts as never));
    assert.instance(err, InvalidArgumentError, JSON.stringify(opts));
    assert.is(err.code, 'DRLS_INVALID_ARGUMENT');
    assert.ok(err.message.includes(message), `${err.message} should include ${message}`);
  }
});

test.run();
