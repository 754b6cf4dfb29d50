import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { download, get, type Log } from './download.js';
import { errorMessage, InvalidArgumentError, SparkSetupFailedError } from '../../runtime/base/index.js';
import { checkJava } from './java.js';
import { tarExtractor } from './tar.js';
import { connectJar, icebergRuntimeFor, pysparkSdist, SPARK_RELEASE, SPARK_VERSION, type PysparkSdist } from './version.js';
import { readZipEntries } from './zip.js';

/** Where a set-up Spark lives; every path exists once `ensureSpark` resolves. */
export interface SparkInstall {
  readonly version: string;
  readonly home: string;
  readonly jarsDir: string;
  readonly protosDir: string;
  /** The Iceberg runtime jar, or null when it could not be fetched or none is pinned for this Spark. */
  readonly icebergJar: string | null;
}

const MARKER = '.drls-setup-complete';

export function cacheRoot(): string {
  return process.env['DRLS_CACHE_DIR'] || join(homedir(), '.cache', 'drls');
}

/** Where a Spark release is cached: one folder per version, so several can sit side by side. */
export function sparkHome(version: string = SPARK_VERSION): string {
  checkRelease(version);
  return join(cacheRoot(), `spark-${version}`);
}

/**
 * Make sure a Spark's jars and Connect protos are in the cache, fetching them on first use: the
 * pinned Spark by default, or any 4.x release PyPI publishes. Idempotent: a completed set-up is
 * recognised by its marker (written last) and costs a stat; a half-done one is thrown away and
 * redone.
 */
export async function ensureSpark(opts: { log?: Log; requireJava?: boolean; version?: string; iceberg?: boolean } = {}): Promise<SparkInstall> {
  const log = opts.log ?? (() => {});
  const version = opts.version ?? SPARK_VERSION;
  const home = sparkHome(version);
  if (opts.requireJava !== false) checkJava();
  if (!existsSync(join(home, MARKER))) await installSpark(version, home, log);
  // Iceberg (48 MB) only when a catalog is asked for; a runtime fetched earlier is used as it is.
  const icebergJar = opts.iceberg ? await ensureIceberg(version, home, log) : cachedIceberg(version, home);
  return { version, home, jarsDir: join(home, 'jars'), protosDir: join(home, 'protos'), icebergJar };
}

/** The version names a cache folder and a file on PyPI: nothing but a 4.x.y release gets that far. */
function checkRelease(version: string): void {
  if (!SPARK_RELEASE.test(version)) {
    throw new InvalidArgumentError(`Spark version must be a Spark 4 release such as "4.0.5", got ${JSON.stringify(version)}`);
  }
}

async function installSpark(version: string, home: string, log: Log): Promise<void> {
  const staging = `${home}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    log(`setting up Spark ${version} (first run only) into ${home}`);
    const sdist = await resolveSdist(pysparkSdist(version));
    log(`fetching ${sdist.filename} (about ${sdist.sizeMB} MB) from ${new URL(sdist.url).host}; only its jars are kept`);
    const jarsDir = join(staging, 'jars');
    const tar = tarExtractor((member) => {
      // pyspark-<version>/deps/jars/<name>.jar; sub-folders (connect-repl) are not needed.
      const m = /^[^/]+\/deps\/jars\/([^/]+\.jar)$/.exec(member);
      return m?.[1] ? join(jarsDir, m[1]) : null;
    });
    const gunzip = createGunzip();
    const sink = new PassThrough();
    const unpacked = pipeline(sink, gunzip, tar);
    await Promise.all([download(sdist.url, { label: sdist.filename, sha256: sdist.sha256, sink, log }), unpacked]);
    const connect = join(jarsDir, connectJar(version));
    if (!existsSync(connect)) {
      throw new SparkSetupFailedError(`${sdist.filename} did not contain deps/jars/${connectJar(version)}`);
    }
    log(`  unpacked ${tar.written.length} jars`);
    extractProtos(connect, join(staging, 'protos'));
    writeFileSync(join(staging, MARKER), `${sdist.filename} ${sdist.sha256}\n`);
    // A marker-less leftover is a half-done set-up from an interrupted run.
    if (existsSync(home) && !existsSync(join(home, MARKER))) rmSync(home, { recursive: true, force: true });
    if (!existsSync(home)) renameSync(staging, home);
    log(`Spark ${version} is ready in ${home}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

interface ResolvedSdist {
  readonly filename: string;
  readonly url: string;
  readonly sha256: string;
  readonly sizeMB: number;
}

/**
 * Where the sdist is, and the SHA-256 its bytes must have: the pinned one for the pinned Spark,
 * otherwise the one PyPI's index publishes for the file (never an unverified download).
 */
async function resolveSdist(sdist: PysparkSdist): Promise<ResolvedSdist> {
  // PEP 691 JSON: the classic /pypi/<name>/json API is not reachable everywhere.
  const res = await get(sdist.index, { Accept: 'application/vnd.pypi.simple.v1+json' });
  const index = (await res.json()) as {
    files?: { filename?: string; url?: string; size?: number; hashes?: Record<string, string> }[];
    versions?: string[];
  };
  const file = index.files?.find((f) => f.filename === sdist.filename);
  if (!file?.url) {
    const releases = (index.versions ?? []).filter((v) => SPARK_RELEASE.test(v));
    throw new SparkSetupFailedError(
      `${sdist.index} does not list ${sdist.filename}` +
        (releases.length > 0 ? `; the Spark 4 releases it has are ${releases.join(', ')}` : ''),
    );
  }
  const published = file.hashes?.['sha256']?.toLowerCase();
  const sha256 = sdist.sha256 ?? published;
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new SparkSetupFailedError(`${sdist.index} publishes no SHA-256 for ${sdist.filename}, so its download cannot be verified`);
  }
  return {
    filename: sdist.filename,
    url: new URL(file.url, sdist.index).toString(),
    sha256,
    sizeMB: Math.round((file.size ?? 455e6) / 1e6),
  };
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

/**
 * Iceberg is optional: a failure is reported and retried on the next set-up, not fatal. Its
 * runtime is pinned for one Spark minor; other Sparks simply have none.
 */
function icebergJarPath(version: string, home: string): string | null {
  const runtime = icebergRuntimeFor(version);
  return runtime ? join(home, 'iceberg', `${runtime.artifact}-${runtime.version}.jar`) : null;
}

function cachedIceberg(version: string, home: string): string | null {
  const jar = icebergJarPath(version, home);
  return jar && existsSync(jar) ? jar : null;
}

async function ensureIceberg(version: string, home: string, log: Log): Promise<string | null> {
  const runtime = icebergRuntimeFor(version);
  const jar = icebergJarPath(version, home);
  if (!runtime || !jar) {
    log(`no Iceberg runtime is pinned for Spark ${version}; Iceberg catalogs are unavailable on it`);
    return null;
  }
  const dir = join(home, 'iceberg');
  if (existsSync(jar)) return jar;
  mkdirSync(dir, { recursive: true });
  const tmp = `${jar}.partial-${process.pid}`;
  try {
    log(`fetching the Iceberg runtime ${runtime.artifact}:${runtime.version} (48 MB) from Maven Central into ${dir}`);
    await download(runtime.url, {
      label: basename(jar),
      sha256: runtime.sha256,
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
