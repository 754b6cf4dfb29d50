// `npm run test:matrix`: drls against every Spark 4 minor, by its newest patch on PyPI (or the
// versions given: `npm run test:matrix -- 4.0.5 4.3.0`). For each version: its set-up (fetched
// once into <cache>/spark-<version>), the connector's JUnit tests on its jars (bridge/jvm/test.sh),
// and the Spark end-to-end tests (the files under test/bridge/streaming and test/bridge/connect)
// with DRLS_SPARK_VERSION set, all against the one connector jar built for the pinned Spark.
// Then a table of pass/fail counts per path. Too long for `npm test` and CI: run it by hand
// when the Spark line moves. Exits 1 when anything failed. Full logs: <cache>/logs/test-matrix-*.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { errorMessage } from '../../runtime/base/index.js';
import { get } from '../../bridge/spark/download.js';
import { cacheRoot, ensureSpark } from '../../bridge/spark/setup.js';
import { PYSPARK_INDEX, SPARK_RELEASE } from '../../bridge/spark/version.js';
import type { TestRecord } from './uvu-recorder.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SUITES = ['test/bridge/streaming', 'test/bridge/connect'];
/** Generous: a version's tests take about two minutes, its first Spark start a little more. */
const E2E_TIMEOUT_MS = 25 * 60_000;

const PATHS = ['forward, executor sink', 'forward, driver path', 'reverse', 'connect client', 'other'] as const;
type PathName = (typeof PATHS)[number];

interface Count {
  pass: number;
  fail: number;
}

interface Row {
  version: string;
  setupError?: string;
  paths: Map<PathName, Count>;
  junit: Count | string;
  /** Tests uvu counted, and those recorded; they differ when the run died midway. */
  uvuTotal: number | undefined;
  recorded: number;
  exit: string;
  failures: string[];
}

const say = (line: string): void => {
  process.stdout.write(`[matrix] ${line}\n`);
};

/** The newest patch of every Spark 4 minor PyPI has (4.0.5, 4.1.4, ...). */
async function newestPatches(): Promise<string[]> {
  const res = await get(PYSPARK_INDEX, { Accept: 'application/vnd.pypi.simple.v1+json' });
  const index = (await res.json()) as { versions?: string[] };
  const newest = new Map<number, [number, string]>();
  for (const v of index.versions ?? []) {
    if (!SPARK_RELEASE.test(v)) continue; // 4.x.y only: no dev or rc builds
    const [, minor, patch] = v.split('.').map(Number) as [number, number, number];
    if ((newest.get(minor)?.[0] ?? -1) < patch) newest.set(minor, [patch, v]);
  }
  return [...newest.entries()].sort(([a], [b]) => a - b).map(([, [, v]]) => v);
}

/**
 * Which paths a test drives, read from its name and source: `useJvmSink=true|false` in a name,
 * `useJvmSink: true` in the source (executor sink), any other forward stream (the driver path,
 * the default), a reverse stream; every connect test is the client's. A test may drive several.
 */
function pathsOf(r: TestRecord): PathName[] {
  if (r.file.startsWith('bridge/connect/')) return ['connect client'];
  const src = r.source;
  const named = /useJvmSink=(true|false)/.exec(r.test)?.[1];
  const forward = named !== undefined || /\bfromSparkStreaming\(|writeStream\.format\(["']drls["']\)/.test(src);
  const executor = named === 'true' || (named === undefined && /useJvmSink:\s*["']?true/.test(src));
  const driver = named === 'false' || (named === undefined && forward && (!executor || /useJvmSink:\s*["']?false/.test(src)));
  const reverse = r.file.endsWith('/reverse.test.ts') || /\btoSparkStreaming\(|readStream\.format\(["']drls["']\)/.test(src);
  const out: PathName[] = [];
  if (executor) out.push('forward, executor sink');
  if (driver) out.push('forward, driver path');
  if (reverse) out.push('reverse');
  return out.length > 0 ? out : ['other'];
}

/** Runs a command with its output in `log`; resolves with its exit and the lines it printed. */
function run(
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; log: WriteStream; timeoutMs: number; onLine?: (line: string) => void },
): Promise<{ exit: string; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        opts.log.write(`${line}\n`);
        opts.onLine?.(line);
      });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM'); // a Spark it started stops with it (the server's watchdog)
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, opts.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exit: timedOut ? `timed out after ${opts.timeoutMs / 60_000} min` : signal ? `killed by ${signal}` : `exit ${code}`, lines });
    });
  });
}

async function testVersion(version: string, logDir: string, files: string[]): Promise<Row> {
  const row: Row = { version, paths: new Map(), junit: 'not run', uvuTotal: undefined, recorded: 0, exit: 'not run', failures: [] };
  const log = createWriteStream(join(logDir, `spark-${version}.log`));
  const env = { ...process.env, DRLS_SPARK_VERSION: version };
  try {
    say(`Spark ${version}: set-up`);
    try {
      await ensureSpark({ version, log: (line) => say(`  ${line}`) });
    } catch (err) {
      row.setupError = errorMessage(err);
      say(`Spark ${version}: set-up failed: ${row.setupError}`);
      return row;
    }

    say(`Spark ${version}: the connector's JUnit tests on its jars`);
    const junit = await run('bash', ['bridge/jvm/test.sh'], { env, log, timeoutMs: 10 * 60_000 });
    const summary = junit.lines
      .map((l) => /^Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)$/.exec(l))
      .filter((m) => m !== null)
      .at(-1);
    if (summary) {
      const [ran, failures, errors, skipped] = summary.slice(1).map(Number) as [number, number, number, number];
      row.junit = { pass: ran - failures - errors - skipped, fail: failures + errors };
    } else {
      row.junit = `no summary (${junit.exit})`;
    }

    say(`Spark ${version}: end-to-end tests`);
    const results = join(logDir, `spark-${version}.jsonl`);
    rmSync(results, { force: true });
    const e2e = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/test-matrix/run-suites.ts', ...files],
      {
        env: { ...env, DRLS_MATRIX_RESULTS: results },
        log,
        timeoutMs: E2E_TIMEOUT_MS,
        // uvu names each file as it starts it: enough to follow the run.
        onLine: (line) => {
          if (/^bridge\/\S+\.test\.ts$/.test(line)) say(`  ${line}`);
        },
      },
    );
    row.exit = e2e.exit;
    const total = e2e.lines.map((l) => /^\s*Total:\s+(\d+)/.exec(l)).filter((m) => m !== null).at(-1);
    row.uvuTotal = total ? Number(total[1]) : undefined;
    let records: TestRecord[] = [];
    try {
      records = readFileSync(results, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as TestRecord);
    } catch {
      // no test finished
    }
    row.recorded = records.length;
    for (const r of records) {
      for (const p of pathsOf(r)) {
        const c = row.paths.get(p) ?? { pass: 0, fail: 0 };
        if (r.ok) c.pass++;
        else c.fail++;
        row.paths.set(p, c);
      }
      if (!r.ok) row.failures.push(`${r.file}: ${r.test}: ${(r.error ?? '').split('\n')[0]}`);
    }
    return row;
  } finally {
    log.end();
  }
}

function cell(c: Count | undefined): string {
  if (!c) return '-';
  return `${c.pass} pass, ${c.fail} fail`;
}

function verdict(row: Row): string {
  if (row.setupError) return 'set-up failed';
  const failed = [...row.paths.values()].some((c) => c.fail > 0) || typeof row.junit === 'string' || row.junit.fail > 0;
  if (row.uvuTotal === undefined || row.uvuTotal !== row.recorded) return `incomplete (${row.exit})`;
  return failed || row.exit !== 'exit 0' ? 'FAILED' : 'ok';
}

function table(rows: Row[]): string {
  const head = ['Spark', ...PATHS, 'connector JUnit', 'result'];
  const body = rows.map((r) => [
    r.version,
    ...PATHS.map((p) => (r.setupError ? '-' : cell(r.paths.get(p)))),
    typeof r.junit === 'string' ? r.junit : cell(r.junit),
    verdict(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(): Promise<number> {
  const given = process.argv.slice(2);
  for (const v of given) {
    if (!SPARK_RELEASE.test(v)) {
      process.stderr.write(`test:matrix: "${v}" is not a Spark 4 release such as 4.0.5\n`);
      return 2;
    }
  }
  let versions = given;
  if (versions.length === 0) {
    try {
      versions = await newestPatches();
    } catch (err) {
      process.stderr.write(`test:matrix: cannot list Spark releases on PyPI (${errorMessage(err)}); name the versions: npm run test:matrix -- 4.0.5 4.1.4\n`);
      return 1;
    }
  }
  const files = SUITES.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.test.ts'))
      .sort()
      .map((f) => join(dir, f)),
  );
  const logDir = join(cacheRoot(), 'logs', `test-matrix-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(logDir, { recursive: true });
  say(`Spark ${versions.join(', ')}; ${files.length} test files; logs in ${logDir}`);

  const rows: Row[] = [];
  for (const version of versions) {
    const started = Date.now();
    const row = await testVersion(version, logDir, files);
    rows.push(row);
    say(`Spark ${version}: ${verdict(row)} in ${Math.round((Date.now() - started) / 1000)} s`);
  }

  process.stdout.write(`\n${table(rows)}\n`);
  const failures = rows.filter((r) => r.failures.length > 0);
  for (const r of failures) {
    process.stdout.write(`\nSpark ${r.version} failures:\n${r.failures.map((f) => `  - ${f}`).join('\n')}\n`);
  }
  process.stdout.write(`\nlogs: ${logDir}\n`);
  return rows.every((r) => verdict(r) === 'ok') ? 0 : 1;
}

process.exitCode = await main();
