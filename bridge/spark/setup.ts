import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { download, get, type Log } from './download.js';
import { errorMessage, SparkSetupFailedError } from '../../runtime/base/index.js';
import { checkJava } from './java.js';
import { tarExtractor } from './tar.js';
import { CONNECT_JAR, ICEBERG_RUNTIME, PYSPARK_SDIST, SPARK_VERSION } from './version.js';
import { readZipEntries } from './zip.js';

/** Where a set-up Spark lives; every path exists once `ensureSpark` resolves. */
export interface SparkInstall {
  readonly version: string;
  readonly home: string;
  readonly jarsDir: string;
  readonly protosDir: string;
  /** The Iceberg runtime jar, or null when it could not be fetched. */
  readonly icebergJar: string | null;
}

const MARKER = '.drls-setup-complete';

export function cacheRoot(): string {
  return process.env['DRLS_CACHE_DIR'] || join(homedir(), '.cache', 'drls');
}

export function sparkHome(): string {
  return join(cacheRoot(), `spark-${SPARK_VERSION}`);
}

/**
 * Make sure the pinned Spark's jars and Connect protos are in the cache, fetching them on first
 * use. Idempotent: a completed set-up is recognised by its marker (written last) and costs a
 * stat; a half-done one is thrown away and redone.
 */
export async function ensureSpark(opts: { log?: Log; requireJava?: boolean; version?: string } = {}): Promise<SparkInstall> {
  const log = opts.log ?? (() => {});
  if (opts.version !== undefined && opts.version !== SPARK_VERSION) {
    throw new SparkSetupFailedError(`Spark ${opts.version} cannot be set up yet: only the pinned ${SPARK_VERSION} is`);
  }
  if (opts.requireJava !== false) checkJava();
  const home = sparkHome();
  if (!existsSync(join(home, MARKER))) await installSpark(home, log);
  const icebergJar = await ensureIceberg(home, log);
  return { version: SPARK_VERSION, home, jarsDir: join(home, 'jars'), protosDir: join(home, 'protos'), icebergJar };
}

async function installSpark(home: string, log: Log): Promise<void> {
  const staging = `${home}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    log(`setting up Spark ${SPARK_VERSION} (first run only) into ${home}`);
    const url = await resolveSdistUrl();
    log(`fetching ${PYSPARK_SDIST.filename} (about 455 MB) from ${new URL(url).host}; only its jars are kept`);
    const jarsDir = join(staging, 'jars');
    const tar = tarExtractor((member) => {
      // pyspark-4.1.1/deps/jars/<name>.jar; sub-folders (connect-repl) are not needed.
      const m = /^[^/]+\/deps\/jars\/([^/]+\.jar)$/.exec(member);
      return m?.[1] ? join(jarsDir, m[1]) : null;
    });
    const gunzip = createGunzip();
    const sink = new PassThrough();
    const unpacked = pipeline(sink, gunzip, tar);
    await Promise.all([download(url, { label: PYSPARK_SDIST.filename, sha256: PYSPARK_SDIST.sha256, sink, log }), unpacked]);
    const connectJar = join(jarsDir, CONNECT_JAR);
    if (!existsSync(connectJar)) {
      throw new SparkSetupFailedError(`${PYSPARK_SDIST.filename} did not contain deps/jars/${CONNECT_JAR}`);
    }
    log(`  unpacked ${tar.written.length} jars`);
    extractProtos(connectJar, join(staging, 'protos'));
    writeFileSync(join(staging, MARKER), `${PYSPARK_SDIST.filename} ${PYSPARK_SDIST.sha256}\n`);
    // A marker-less leftover is a half-done set-up from an interrupted run.
    if (existsSync(home) && !existsSync(join(home, MARKER))) rmSync(home, { recursive: true, force: true });
    if (!existsSync(home)) renameSync(staging, home);
    log(`Spark ${SPARK_VERSION} is ready in ${home}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function resolveSdistUrl(): Promise<string> {
  // PEP 691 JSON: the classic /pypi/<name>/json API is not reachable everywhere.
  const res = await get(PYSPARK_SDIST.index, { Accept: 'application/vnd.pypi.simple.v1+json' });
  const index = (await res.json()) as { files?: { filename?: string; url?: string }[] };
  const file = index.files?.find((f) => f.filename === PYSPARK_SDIST.filename);
  if (!file?.url) throw new SparkSetupFailedError(`${PYSPARK_SDIST.index} does not list ${PYSPARK_SDIST.filename}`);
  return new URL(file.url, PYSPARK_SDIST.index).toString();
}

/** The protos ship inside the Connect jar; the client loads them from here at run time. */
function extractProtos(connectJar: string, protosDir: string): void {
  const entries = readZipEntries(
    connectJar,
    (name) => name.endsWith('.proto') && (name.startsWith('spark/connect/') || name.startsWith('google/protobuf/')),
  );
  for (const [name, data] of entries) {
    const dest = join(protosDir, name);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, data);
  }
  if (!existsSync(join(protosDir, 'spark', 'connect', 'base.proto'))) {
    throw new SparkSetupFailedError(`${basename(connectJar)} holds no spark/connect/base.proto`);
  }
}

/** Iceberg is optional: a failure is reported and retried on the next set-up, not fatal. */
async function ensureIceberg(home: string, log: Log): Promise<string | null> {
  const dir = join(home, 'iceberg');
  const jar = join(dir, `${ICEBERG_RUNTIME.artifact}-${ICEBERG_RUNTIME.version}.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(dir, { recursive: true });
  const tmp = `${jar}.partial-${process.pid}`;
  try {
    log(`fetching the Iceberg runtime ${ICEBERG_RUNTIME.artifact}:${ICEBERG_RUNTIME.version} (48 MB) from Maven Central into ${dir}`);
    await download(ICEBERG_RUNTIME.url, {
      label: basename(jar),
      sha256: ICEBERG_RUNTIME.sha256,
      sink: createWriteStream(tmp),
      log,
    });
    renameSync(tmp, jar);
    return jar;
  } catch (err) {
    log(`warning: the Iceberg runtime is unavailable (${errorMessage(err)}); Iceberg catalogs will not work until set-up succeeds`);
    return null;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The jars on the server's classpath, for callers that want to list them. */
export function listJars(install: SparkInstall): string[] {
  return readdirSync(install.jarsDir).filter((f) => f.endsWith('.jar'));
}
