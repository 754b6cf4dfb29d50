import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SparkSession } from '../../../bridge/connect/index.js';
import { SparkUnavailableError } from '../../../index.js';
import { ensureSpark } from '../../../bridge/spark/index.js';

/** A port nothing listens on: bind one, then free it. */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 1));
    });
  });
}

test('a server that is not running gives a clear error within seconds', async () => {
  const { protosDir } = await ensureSpark({ requireJava: false });
  const port = await deadPort();
  const started = Date.now();
  try {
    await SparkSession.connect({ remote: `sc://127.0.0.1:${port}`, protosDir });
    assert.unreachable('connected to nothing');
  } catch (err) {
    assert.instance(err, SparkUnavailableError);
    assert.is((err as SparkUnavailableError).code, 'DRLS_SPARK_UNAVAILABLE');
    assert.match((err as Error).message, `sc://127.0.0.1:${port}`);
    assert.match((err as Error).message, 'Is the server running?');
  }
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});

test.run();
