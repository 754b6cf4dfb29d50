import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SparkSession } from '../../../bridge/connect/index.js';
import { SessionClosedError, SparkError, type DrlsError } from '../../../index.js';
import { ensureSpark, localServer } from '../../../bridge/spark/index.js';
import { getSpark } from '../../support/spark.js';

test('a second session connects by address, is isolated, and stops without stopping the server', async () => {
  const spark = await getSpark();
  const { protosDir } = await ensureSpark({ requireJava: false });
  const other = await SparkSession.connect({ remote: spark.remote, protosDir, token: localServer()!.token });
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

test('the local server refuses a client without its token, and never shows the token', async () => {
  await getSpark();
  const server = localServer()!;
  const { protosDir } = await ensureSpark({ requireJava: false });
  for (const remote of [server.address, `${server.address}/;token=not-the-token`]) {
    const err = await SparkSession.connect({ remote, protosDir }).then(
      () => null,
      (e: DrlsError) => e,
    );
    assert.ok(err, `refused: ${remote.replace(/token=.*/, 'token=…')}`);
    assert.is(err!.code, 'DRLS_SPARK_AUTH_FAILED');
    assert.not.match(err!.message, 'not-the-token');
    assert.not.match(err!.message, server.token);
  }
});

test('a proxy in the environment does not stand between Node and a local server', async () => {
  await getSpark();
  const server = localServer()!;
  const { protosDir } = await ensureSpark({ requireJava: false });
  const saved = { ...process.env };
  // A proxy that is not there: grpc-js would send even 127.0.0.1 through it.
  for (const name of ['http_proxy', 'https_proxy', 'grpc_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) process.env[name] = 'http://127.0.0.1:9';
  try {
    const session = await SparkSession.connect({ remote: server.address, protosDir, token: server.token, connectTimeoutMs: 30_000 });
    assert.is(await session.range(2).count(), 2);
    await session.stop();
  } finally {
    for (const name of ['http_proxy', 'https_proxy', 'grpc_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});

test.run();
