import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureSpark, SPARK_VERSION } from '../../../bridge/spark/index.js';
import { SparkSetupFailedError } from '../../../index.js';
import { download } from '../../../bridge/spark/download.js';
import { tarExtractor } from '../../../bridge/spark/tar.js';

test('set-up is idempotent and near-instant once done', async () => {
  const first = await ensureSpark();
  const started = Date.now();
  const again = await ensureSpark();
  assert.ok(Date.now() - started < 3000, `second set-up took ${Date.now() - started} ms`);
  assert.equal(again, first);
  assert.is(again.version, SPARK_VERSION);
  assert.ok(existsSync(join(again.jarsDir, `spark-connect_2.13-${SPARK_VERSION}.jar`)));
  assert.ok(existsSync(join(again.protosDir, 'spark', 'connect', 'base.proto')));
  assert.ok(existsSync(join(again.protosDir, 'google', 'protobuf', 'any.proto')));
});

test('a missing Java is a clear message saying what to do', async () => {
  const saved = process.env['JAVA_HOME'];
  process.env['JAVA_HOME'] = join(tmpdir(), 'drls-no-such-jdk');
  try {
    await ensureSpark();
    assert.unreachable('set-up passed without Java');
  } catch (err) {
    assert.instance(err, SparkSetupFailedError);
    assert.is((err as SparkSetupFailedError).code, 'DRLS_SPARK_SETUP_FAILED');
    assert.match((err as Error).message, 'Java was not found');
    assert.match((err as Error).message, 'install a JDK 17+');
  } finally {
    if (saved === undefined) delete process.env['JAVA_HOME'];
    else process.env['JAVA_HOME'] = saved;
  }
});

test('an unreachable registry is a clear message saying what to do', async () => {
  try {
    await download('http://127.0.0.1:1/pyspark.tar.gz', { label: 'x', sha256: '', sink: new PassThrough(), log: () => {} });
    assert.unreachable('downloaded from nowhere');
  } catch (err) {
    assert.instance(err, SparkSetupFailedError);
    assert.match((err as Error).message, 'cannot reach 127.0.0.1:1');
    assert.match((err as Error).message, 'npm run setup');
  }
});

test('the tar reader keeps only the members asked for, long names included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drls-tar-'));
  try {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
    mkdirSync(join(dir, 'src', 'deps', 'jars', long), { recursive: true });
    writeFileSync(join(dir, 'src', 'deps', 'jars', 'a.jar'), 'jar a');
    writeFileSync(join(dir, 'src', 'deps', 'jars', long, 'b.jar'), Buffer.alloc(1500, 7));
    writeFileSync(join(dir, 'src', 'README'), 'skip me');
    const tar = execFileSync('tar', ['-cf', '-', '-C', dir, 'src']);
    const out = join(dir, 'out');
    const sink = tarExtractor((p) => (p.endsWith('.jar') ? join(out, p.split('/').at(-1)!) : null));
    await pipeline(Readable.from([tar.subarray(0, 700), tar.subarray(700)]), sink);
    assert.equal(sink.written.map((p) => p.slice(out.length + 1)).sort(), ['a.jar', 'b.jar']);
    assert.is(readFileSync(join(out, 'a.jar'), 'utf8'), 'jar a');
    assert.equal(readFileSync(join(out, 'b.jar')), Buffer.alloc(1500, 7));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
