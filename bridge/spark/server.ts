import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SparkStartFailedError } from '../../runtime/base/index.js';
import { javaBinary } from './java.js';
import { cacheRoot, type SparkInstall } from './setup.js';
import { WATCHDOG_SCRIPT } from './watchdog.js';

export interface LocalServerOptions {
  install: SparkInstall;
  /** Spark confs, passed as -D system properties (SparkConf reads `spark.*` ones). */
  confs: Record<string, string>;
  /** Java heap of the driver, e.g. '2g'. */
  driverMemory?: string;
  extraJars?: string[];
  logDir?: string;
  startTimeoutMs?: number;
  /** Extra environment of the server's JVM. */
  env?: Record<string, string>;
}

// Spark's launcher adds these; a JVM started by hand needs them or Arrow cannot
// initialise MemoryUtil and netty cannot reach direct buffers.
export const JAVA_OPENS = [
  'java.base/java.lang',
  'java.base/java.lang.invoke',
  'java.base/java.lang.reflect',
  'java.base/java.io',
  'java.base/java.net',
  'java.base/java.nio',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/java.util.concurrent.atomic',
  'java.base/sun.nio.ch',
  'java.base/sun.nio.cs',
  'java.base/sun.security.action',
  'java.base/sun.util.calendar',
].map((m) => `--add-opens=${m}=ALL-UNNAMED`);

const MAIN_CLASS = 'org.apache.spark.sql.connect.service.SparkConnectServer';
const HOST = '127.0.0.1';

/** A Spark Connect server in a child JVM, bound to 127.0.0.1 on a free port. */
export class LocalSparkServer {
  readonly port: number;
  readonly logFile: string;
  /** Pid of the JVM itself (the wrapper that watches it has its own). */
  readonly javaPid: number;
  /** Milliseconds from spawning the JVM to its port answering. */
  readonly startMs: number;
  /**
   * The server's authentication token, random per start: a client must send it as a Bearer
   * token, so no other local user or process can drive this server (SQL, files, reflection).
   */
  readonly token: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #onExit: () => void;

  private constructor(child: ChildProcess, exited: Promise<void>, port: number, logFile: string, javaPid: number, startMs: number, token: string) {
    this.token = token;
    this.#child = child;
    this.#exited = exited;
    this.port = port;
    this.logFile = logFile;
    this.javaPid = javaPid;
    this.startMs = startMs;
    // Best effort on a normal exit; the stdin watchdog covers every other way Node can die.
    this.#onExit = () => killGroup(child, 'SIGTERM');
    process.on('exit', this.#onExit);
  }

  get address(): string {
    return `sc://${HOST}:${this.port}`;
  }

  static async start(opts: LocalServerOptions): Promise<LocalSparkServer> {
    const port = await freePort();
    const logDir = opts.logDir ?? join(cacheRoot(), 'logs');
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `spark-connect-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
    const confs: Record<string, string> = {
      ...opts.confs,
      'spark.connect.grpc.binding.address': HOST,
      'spark.connect.grpc.binding.port': String(port),
      'spark.connect.grpc.port.maxRetries': '0',
    };
    const classpath = [join(opts.install.jarsDir, '*'), ...(opts.extraJars ?? []).filter((j) => existsSync(j))].join(':');
    const javaArgs = [
      ...(opts.driverMemory ? [`-Xmx${opts.driverMemory}`] : []),
      ...JAVA_OPENS,
      '-Djdk.reflect.useDirectMethodHandle=false',
      '-Dio.netty.tryReflectionSetAccessible=true',
      ...Object.entries(confs).map(([k, v]) => `-D${k}=${v}`),
      '-cp',
      classpath,
      MAIN_CLASS,
    ];
    // Given through the environment, not a -D flag: a process's arguments are visible to every
    // local user, its environment only to its owner.
    const token = randomBytes(32).toString('base64url');
    const log = openSync(logFile, 'a');
    const started = Date.now();
    let child: ChildProcess;
    try {
      child = spawn('bash', ['-c', WATCHDOG_SCRIPT, 'drls-spark', javaBinary(), ...javaArgs], {
        stdio: ['pipe', log, log, 'pipe'],
        env: { ...process.env, ...opts.env, SPARK_CONNECT_AUTHENTICATE_TOKEN: token },
        detached: true, // its own process group, so stop() reaches java even if the wrapper is gone
      });
    } finally {
      closeSync(log);
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Neither the child nor its pipes keep Node alive; when Node exits the pipe closes and the
    // watchdog stops java.
    child.unref();
    (child.stdin as unknown as Socket).unref();
    const pidPipe = child.stdio[3] as Readable;
    (pidPipe as unknown as Socket).unref();

    const fail = (reason: string): SparkStartFailedError => {
      killGroup(child, 'SIGKILL');
      return new SparkStartFailedError(reason, logFile, tail(logFile, 30));
    };
    let exitCode: number | null | undefined;
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
    });
    child.once('error', () => {
      exitCode = -1;
    });
    // The child is unref'd, so hold the event loop open while we wait for it to answer.
    const hold = setInterval(() => {}, 60_000);
    try {
      const javaPid = await readPid(pidPipe, exited);
      if (javaPid === null) throw fail('the JVM launcher exited before starting java');
      const timeoutMs = opts.startTimeoutMs ?? 180_000;
      for (;;) {
        if (exitCode !== undefined) throw fail(`java exited with code ${exitCode} before answering`);
        if (await portAnswers(port)) break;
        if (Date.now() - started > timeoutMs) throw fail(`no answer on ${HOST}:${port} within ${timeoutMs} ms`);
        await Promise.race([delay(250), exited]);
      }
      return new LocalSparkServer(child, exited, port, logFile, javaPid, Date.now() - started, token);
    } finally {
      clearInterval(hold);
    }
  }

  /** Stop the JVM and wait until it is gone. */
  async stop(): Promise<void> {
    process.off('exit', this.#onExit);
    killGroup(this.#child, 'SIGTERM');
    const hold = setInterval(() => {}, 60_000);
    await this.#exited.finally(() => clearInterval(hold));
    // The wrapper waits for java; if the wrapper itself was killed, make sure java follows.
    try {
      process.kill(this.javaPid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The wrapper traps the signal and stops java gracefully; signalling only the wrapper
    // (not the group) avoids java getting it twice.
    process.kill(child.pid, signal);
    if (signal === 'SIGKILL') process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * @internal The pid the watchdog wrapper reports on its fd 3 (see watchdog.ts), or null when it
 * exited first. Holds the event loop open meanwhile: the child and its pipes are unreferenced.
 */
export async function readPid(pipe: Readable, exited: Promise<void>): Promise<number | null> {
  let text = '';
  pipe.setEncoding('utf8');
  const line = new Promise<string>((resolve) => {
    pipe.on('data', (d: string) => {
      text += d;
      if (text.includes('\n')) resolve(text);
    });
    pipe.on('end', () => resolve(text));
  });
  const hold = setInterval(() => {}, 60_000);
  try {
    const got = await Promise.race([line, exited.then(() => text)]);
    const pid = Number.parseInt(got, 10);
    return Number.isFinite(pid) && pid > 0 ? pid : null;
  } finally {
    clearInterval(hold);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: HOST, port });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
