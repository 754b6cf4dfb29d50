import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SparkSession } from '../../../bridge/connect/index.js';
import { SessionClosedError, SparkError } from '../../../index.js';
import { ensureSpark } from '../../../bridge/spark/index.js';
import { getSpark } from '../../support/spark.js';

test('a second session connects by address, is isolated, and stops without stopping the server', async () => {
  const spark = await getSpark();
  const { protosDir } = await ensureSpark({ requireJava: false });
  const other = await SparkSession.connect({ remote: spark.remote, protosDir });
  assert.is(other.version, spark.version);
  assert.is.not(other.sessionId, spark.sessionId);
  await other.sql('CREATE OR REPLACE TEMP VIEW drls_only_here AS SELECT 42 AS answer');
  assert.is(await (await other.sql('SELECT * FROM drls_only_here')).count(), 1);
  try {
    await spark.sql('SELECT * FROM drls_only_here');
    assert.unreachable('temp views are per session');
  } catch (err) {
    assert.instance(err, SparkError);
    assert.is((err as SparkError).errorClass, 'TABLE_OR_VIEW_NOT_FOUND');
  }
  await other.stop();
  try {
    await other.sql('SELECT 1');
    assert.unreachable('a stopped session refuses work');
  } catch (err) {
    assert.instance(err, SessionClosedError);
    assert.is((err as SessionClosedError).code, 'DRLS_SESSION_CLOSED');
  }
  assert.is(await spark.range(3).count(), 3);
});

test.run();
