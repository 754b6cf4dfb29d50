import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scratchDir } from '../support/scratch.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const test = suite('the packed package, as a TypeScript user installs it');

// What a user writes; each @ts-expect-error is a piece of plumbing the published types must hide.
const USER_CODE = `
import type { SparkSession, DataFrame, DataStreamWriter, StreamingQuery, DrlsError, ErrorCode, ForeachBatchFunction } from 'drls';
import { initSpark, ActorRuntime, InvalidArgumentError, StreamFailedError, ForeachBatchFailedError, ERROR_CODES, connectorJarPath } from 'drls';
import { StreamCoordinator, fromSparkStreaming, toSparkStreaming, enableForeachBatch, type StreamHandle, type ForwardStream, type ForeachBatchOptions } from 'drls/streaming';
import { serveMetrics, metricsRegistry } from 'drls/streaming/monitor';

export async function forward(spark: SparkSession): Promise<number> {
  const df: DataFrame = spark.readStream.format('rate').load();
  const writer: DataStreamWriter = df.writeStream.format('memory');
  const query: StreamingQuery = await writer.queryName('q').start();
  await query.stop();
  const stream: ForwardStream = await fromSparkStreaming(df, { streamId: 's' });
  const handle: StreamHandle = stream.handle;
  await handle.stop({ timeoutMs: 1000 });
  const options: ForeachBatchOptions = { useJvmSink: true, maxRowsPerBatch: 1000 };
  enableForeachBatch(spark, options);
  const handler: ForeachBatchFunction = async (batch, epochId) => void (batch.numRows + epochId);
  const each: StreamingQuery = await df.writeStream.foreachBatch(handler).foreachBatch((batch) => void batch.schema).start();
  await each.stop();
  const code: ErrorCode = new InvalidArgumentError('x').code;
  const failed: DrlsError = new StreamFailedError('s', 'why');
  return code.length + failed.message.length + new ForeachBatchFailedError(1, 'why').epochId + Object.keys(ERROR_CODES).length + connectorJarPath().length;
}

export function hidden(coordinator: StreamCoordinator, df: DataFrame): void {
  // @ts-expect-error staging is the forward path's own, not the coordinator's public API
  void coordinator.reserve(1);
  // @ts-expect-error publish takes a watermark, nothing about staging
  void coordinator.publish([], { reservedBytes: 1 });
  // @ts-expect-error a DataFrame's plan is Spark Connect's wire format, not API
  void df.plan;
  // @ts-expect-error DataFrames come from a session
  void (null as unknown as typeof import('drls')).DataFrame;
  void new ActorRuntime({ name: 'r' });
  void initSpark; void toSparkStreaming; void serveMetrics; void metricsRegistry;
}
`;

async function pack(): Promise<string> {
  await run(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root });
  const out = await scratchDir('drls-pack-');
  await run('npm', ['pack', '--pack-destination', out, '--loglevel=error'], { cwd: root });
  const [tarball] = (await readdir(out)).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made a tarball');
  return join(out, tarball!);
}

async function userProject(tarball: string, moduleResolution: 'node16' | 'bundler'): Promise<string> {
  const dir = await scratchDir('drls-user-');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: moduleResolution === 'node16' ? 'node16' : 'esnext',
        moduleResolution,
        types: ['node'],
        skipLibCheck: false,
      },
      include: ['user.ts'],
    }),
  );
  await writeFile(join(dir, 'user.ts'), USER_CODE);
  // The tarball's dependencies are the lock file's, already in npm's cache from the project's install.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, `@types/node@${await typesNodeVersion()}`], { cwd: dir });
  return dir;
}

async function typesNodeVersion(): Promise<string> {
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  return lock.packages['node_modules/@types/node']!.version!;
}

let tarball: string;

test.before(async () => {
  tarball = await pack();
});

for (const resolution of ['node16', 'bundler'] as const) {
  test(`the published types hold only the public API, and a strict project type-checks against them (${resolution})`, async () => {
    const dir = await userProject(tarball, resolution);
    const errors = await run(process.execPath, [tsc, '-p', dir]).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? String(err),
    );
    assert.is(errors, '', 'tsc found no error');
  });
}

test('the installed `drls jar-path` command prints the connector jar the package ships', async () => {
  const dir = await scratchDir('drls-bin-');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: dir });
  const { stdout } = await run(join(dir, 'node_modules', '.bin', 'drls'), ['jar-path']);
  const jar = stdout.trim();
  assert.is(jar, join(dir, 'node_modules', 'drls', 'bridge', 'jvm', 'target', 'drls-connector.jar'));
  assert.ok((await stat(jar)).size > 0, 'the jar is in the package');
});

test.run();
