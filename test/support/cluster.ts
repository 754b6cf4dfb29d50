// A real Spark standalone cluster for tests: a master in the root network namespace and one
// worker per "host" (a network namespace of its own, see netns.ts), each started with java
// directly, plus a Spark Connect server as the driver (startSpark with the master's URL) and an
// actor runtime whose wire endpoint listens on the root side's bridge address, which the
// executors reach. One cluster per test file: start it in `before`, stop it in `after`.
//
// Lifetimes: every JVM runs under the same stdin watchdog as the local server (it dies when this
// process does, however it dies); the network goes in `stop()`, on process exit and on
// SIGINT/SIGTERM, and the next run removes what a crashed one left (netns.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { SparkSession } from '../../bridge/connect/index.js';
import { startSpark } from '../../bridge/spark/init.js';
import { javaBinary, checkJava } from '../../bridge/spark/java.js';
import { JAVA_OPENS, readPid, type LocalSparkServer } from '../../bridge/spark/server.js';
import { cacheRoot, ensureSpark, type SparkInstall } from '../../bridge/spark/setup.js';
import { SCALA_BINARY } from '../../bridge/spark/version.js';
import { WATCHDOG_SCRIPT } from '../../bridge/spark/watchdog.js';
import { connectorJarPath } from '../../bridge/spark/connector-jar.js';
import { ActorRuntime } from '../../runtime/index.js';
import { checkReachability, commandLine, createHostNetwork, establishedTo, netnsUnavailable, pidsIn, tcpConnects, type HostNetwork, type NetnsHost } from './netns.js';
import { scratchDir } from './scratch.js';

/** The environment variable every worker (and so each of its executors) carries: its host's name. */
export const HOST_TAG_ENV = 'DRLS_TEST_HOST';
/** A SQL expression that, run on an executor, names the worker it runs on (`w1`, `w2`); null on the driver. */
export const HOST_TAG_SQL = `java_method('java.lang.System', 'getenv', '${HOST_TAG_ENV}')`;

export interface ClusterWorker extends NetnsHost {
  readonly logFile: string;
  readonly workDir: string;
}

export interface SparkCluster {
  readonly network: HostNetwork;
  readonly masterUrl: string;
  readonly workers: readonly ClusterWorker[];
  /** The driver's session. */
  readonly spark: SparkSession;
  readonly server: LocalSparkServer;
  /** An actor runtime of the cluster's own: its wire endpoint is bound where the executors reach it. */
  readonly runtime: ActorRuntime;
  /** What fromSparkStreaming / toSparkStreaming take as `endpoint` to be reached by the executors. */
  readonly endpoint: { readonly host: string; readonly advertisedHost: string };
  readonly logDir: string;
  /** How long start-up took, by phase (cumulative), for the test output. */
  readonly startup: string;
  /** Pid of the executor JVM running on `worker`, or null when it has none right now. */
  executorPid(worker: ClusterWorker): number | null;
  /** Established TCP connections from `worker`'s namespace to host:port right now. */
  connectionsFrom(worker: ClusterWorker, host: string, port: number): number;
  /**
   * Resolves once every worker runs an executor registered with the driver (after one was
   * killed, the master launches another); fails, bounded, naming what is missing.
   */
  awaitExecutors(timeoutMs?: number): Promise<void>;
  /** Stop everything: driver, runtime, workers, master, network. Idempotent; never throws. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Worker hosts; default 2. */
  workers?: number;
  /** Extra Spark confs of the driver (after the cluster's own). */
  configs?: Record<string, string | number | boolean>;
  /** Bound on each readiness wait; default 120 s. */
  readyTimeoutMs?: number;
}

/** Why a cluster cannot be made on this machine (skip the tests, saying so), or null. */
export function clusterUnavailable(): string | null {
  const netns = netnsUnavailable();
  if (netns) return netns;
  try {
    checkJava();
  } catch (err) {
    return (err as Error).message;
  }
  if (!existsSync(connectorJarPath())) return `the connector jar ${connectorJarPath()} is not built (npm run setup)`;
  return null;
}

const APP_NAME = 'drls-cluster-tests';
const CORES_PER_WORKER = 1;
const WORKER_MEMORY = '1g';
const EXECUTOR_MEMORY = '512m';
const DAEMON_HEAP = '-Xmx384m';
// Short-lived JVMs on a small machine: C1 only and the serial collector leave the CPU to the
// work itself (C2's compiler threads and a parallel GC would compete with it for two cores).
const QUICK_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** Start a master, workers in their own namespaces, a driver and a runtime; all of it or nothing. */
export async function startCluster(options: ClusterOptions = {}): Promise<SparkCluster> {
  const count = options.workers ?? 2;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  // The Spark the driver runs (startSpark honours DRLS_SPARK_VERSION): the daemons must run the same.
  const version = process.env['DRLS_SPARK_VERSION'] || undefined;
  const install = await ensureSpark(version ? { version } : {});
  const logDir = join(cacheRoot(), 'logs', `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(logDir, { recursive: true });
  const scratch = await scratchDir('drls-cluster-');

  const daemons: JavaDaemon[] = [];
  let network: HostNetwork | undefined;
  let runtime: ActorRuntime | undefined;
  let session: SparkSession | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      // Each step runs whatever the one before did: nothing of ours may outlive the run.
      try {
        runtime?.shutdown();
      } catch {
        /* shut down already */
      }
      try {
        if (session) await withTimeout(session.stop(), 40_000, 'the driver to stop');
      } catch {
        /* its JVM goes with the group kill below and its watchdog */
      }
      await Promise.all(daemons.slice(1).map((d) => d.stop()));
      await Promise.all(daemons.slice(0, 1).map((d) => d.stop()));
      network?.destroy();
    })());

  const t0 = performance.now();
  const phases: string[] = [];
  const phase = (name: string): void => {
    phases.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  };
  try {
    network = createHostNetwork(count);
    await checkReachability(network);
    const rootIp = network.rootIp;

    // The master, in the root namespace, on the bridge's address.
    const [masterPort, masterUiPort] = (await freePorts(rootIp, 2)) as [number, number];
    const masterUrl = `spark://${rootIp}:${masterPort}`;
    const master = await JavaDaemon.start({
      label: 'master',
      logFile: join(logDir, 'master.log'),
      env: sparkEnv(install, rootIp),
      // No REST submission server: nothing but the master's own port and UI listens.
      args: [...daemonFlags(), '-Dspark.master.rest.enabled=false', 'org.apache.spark.deploy.master.Master', '--host', rootIp, '--port', String(masterPort), '--webui-port', String(masterUiPort)],
      jars: install,
    });
    daemons.push(master);
    await until(`the master on ${rootIp}:${masterPort} to answer`, readyTimeoutMs, [master], async () => tcpConnects(rootIp, masterPort));

    phase('master');
    // One worker in each namespace, bound to that namespace's address.
    const workers: ClusterWorker[] = [];
    for (const host of network.hosts) {
      const workDir = join(scratch, `work-${host.name}`);
      mkdirSync(workDir, { recursive: true });
      const logFile = join(logDir, `worker-${host.name}.log`);
      const daemon = await JavaDaemon.start({
        label: `worker-${host.name}`,
        ns: host.ns,
        logFile,
        env: { ...sparkEnv(install, host.ip), [HOST_TAG_ENV]: host.name },
        args: [
          ...daemonFlags(),
          'org.apache.spark.deploy.worker.Worker',
          '--host',
          host.ip,
          '--cores',
          String(CORES_PER_WORKER),
          '--memory',
          WORKER_MEMORY,
          '--work-dir',
          workDir,
          masterUrl,
        ],
        jars: install,
      });
      daemons.push(daemon);
      workers.push({ ...host, logFile, workDir });
    }
    const workersAlive = until(
      `${count} workers to be ALIVE at the master (${masterUrl})`,
      readyTimeoutMs,
      daemons,
      async () => {
        const state = await masterState(rootIp, masterUiPort);
        return state !== null && network!.hosts.every((h) => state.workers.some((w) => w.host === h.ip && w.state === 'ALIVE'));
      },
      async () => JSON.stringify((await masterState(rootIp, masterUiPort))?.workers ?? 'no answer from the master web UI'),
    ).then(() => phase('workers'));

    // The driver, started while the workers come up: a Spark Connect server of its own whose
    // master is this cluster (its application waits at the master for the workers).
    const driver = startSpark({
      appName: APP_NAME,
      master: masterUrl,
      sparkVersion: install.version,
      driverMemory: '1g',
      executorMemory: EXECUTOR_MEMORY,
      logDir,
      startTimeoutMs: readyTimeoutMs,
      configs: {
        // The namespaces reach this machine at the bridge's address; the driver listens there.
        'spark.driver.host': rootIp,
        'spark.driver.bindAddress': rootIp,
        'spark.executor.cores': CORES_PER_WORKER,
        'spark.executor.extraJavaOptions': QUICK_JVM.join(' '),
        'spark.cores.max': CORES_PER_WORKER * count,
        'spark.task.maxFailures': 2,
        'spark.sql.session.timeZone': 'UTC',
        // Jobs start once every worker's executor is registered, not with the first one.
        'spark.scheduler.minRegisteredResourcesRatio': '1.0',
        'spark.scheduler.maxRegisteredResourcesWaitingTime': '120s',
        ...options.configs,
      },
    }).then((m) => {
      phase('driver');
      return m;
    });
    // Both settle before either failure is thrown: a driver that started must be stopped too.
    const [alive, driverStart] = await Promise.allSettled([workersAlive, driver]);
    if (driverStart.status === 'fulfilled') session = driverStart.value.session;
    if (alive.status === 'rejected') throw alive.reason;
    if (driverStart.status === 'rejected') throw driverStart.reason;
    const managed = driverStart.value;
    const server = managed.server;
    if (!server) throw new Error('startSpark started no server of its own for a non-remote master');
    // Every worker's executor is launched (the master granted its cores) and registered with the
    // driver (its own log says so): the scheduler may use the whole cluster.
    const awaitExecutors = async (timeoutMs = readyTimeoutMs): Promise<void> => {
      await until(
        `an executor on each of the ${count} workers, registered with the driver`,
        timeoutMs,
        daemons,
        async () => {
          const state = await masterState(rootIp, masterUiPort);
          const app = state?.activeapps.find((a) => a.name === APP_NAME);
          return app !== undefined && app.cores >= CORES_PER_WORKER * count && workers.every(executorRegistered);
        },
        async () =>
          JSON.stringify({
            activeapps: (await masterState(rootIp, masterUiPort))?.activeapps ?? 'no answer from the master web UI',
            executors: Object.fromEntries(workers.map((w) => [w.name, { pid: executorPidIn(w.ns), registered: executorRegistered(w) }])),
          }),
        () => [server.logFile, ...workers.map(executorLog).filter((f): f is string => f !== null)],
      );
    };
    await awaitExecutors();
    phase('executors');

    runtime = new ActorRuntime({ name: 'cluster' });
    const cluster: SparkCluster = {
      network,
      masterUrl,
      workers,
      spark: managed.session,
      server,
      runtime,
      endpoint: { host: rootIp, advertisedHost: rootIp },
      logDir,
      startup: phases.join(', '),
      executorPid: (worker) => executorPidIn(worker.ns),
      connectionsFrom(worker, host, port) {
        const inside = pidsIn(worker.ns)[0];
        return inside === undefined ? 0 : establishedTo(inside, host, port);
      },
      awaitExecutors,
      stop: stopAll,
    };
    return cluster;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The executor JVM in a namespace (Spark's CoarseGrainedExecutorBackend), or null. */
function executorPidIn(ns: string): number | null {
  for (const pid of pidsIn(ns)) {
    const cmd = commandLine(pid);
    if (cmd.includes('org.apache.spark.executor.CoarseGrainedExecutorBackend') && !cmd.startsWith('bash')) return pid;
  }
  return null;
}

/**
 * Whether the executor running on `worker` has registered with the driver: its stderr, under
 * the worker's work dir (`<app id>/<executor id>/stderr`), logs it once the driver accepted it.
 */
function executorRegistered(worker: ClusterWorker): boolean {
  const log = executorLog(worker);
  try {
    return log !== null && readFileSync(log, 'utf8').includes('Successfully registered with driver');
  } catch {
    return false;
  }
}

/** The stderr file of the executor running on `worker` now, or null when it runs none. */
function executorLog(worker: ClusterWorker): string | null {
  const pid = executorPidIn(worker.ns);
  if (pid === null) return null;
  const cmd = commandLine(pid);
  const app = /--app-id (\S+)/.exec(cmd)?.[1];
  const id = /--executor-id (\S+)/.exec(cmd)?.[1];
  return app && id ? join(worker.workDir, app, id, 'stderr') : null;
}

/** What the launch scripts Spark's wheel lacks (sbin/) would set for a daemon. */
function sparkEnv(install: SparkInstall, localIp: string): Record<string, string> {
  return {
    SPARK_HOME: install.home,
    SPARK_SCALA_VERSION: SCALA_BINARY,
    // Web UIs bind this address instead of 0.0.0.0: nothing listens beyond the test network.
    SPARK_LOCAL_IP: localIp,
  };
}

function daemonFlags(): string[] {
  return [DAEMON_HEAP, ...QUICK_JVM, ...JAVA_OPENS, '-Djdk.reflect.useDirectMethodHandle=false', '-Dio.netty.tryReflectionSetAccessible=true'];
}

interface MasterState {
  workers: { id: string; host: string; state: string; cores: number; coresused: number }[];
  activeapps: { id: string; name: string; cores: number; state: string }[];
}

/** The master web UI's JSON, or null when it does not answer (yet). */
function masterState(host: string, port: number): Promise<MasterState | null> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/json/', method: 'GET', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          const json = JSON.parse(body) as Partial<MasterState>;
          resolve({ workers: json.workers ?? [], activeapps: json.activeapps ?? [] });
        } catch {
          resolve(null);
        }
      });
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/** `n` ports free on `host` right now. */
async function freePorts(host: string, n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, host, () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/**
 * Poll `probe` (bounded) until it gives a truthy value; fails naming `what`, the last thing seen,
 * and the tail of each daemon's log (and of `extraLogs`). A daemon that exits fails it at once.
 */
async function until<T>(
  what: string,
  timeoutMs: number,
  daemons: readonly JavaDaemon[],
  probe: () => Promise<T | null | undefined | false>,
  describe?: () => Promise<string>,
  extraLogs: () => readonly string[] = () => [],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    const dead = daemons.find((d) => d.exitCode !== undefined);
    const late = Date.now() > deadline;
    if (dead || late) {
      const reason = dead ? `the ${dead.label} JVM exited (${dead.exitCode})` : `not within ${timeoutMs} ms`;
      const seen = describe ? `\nlast seen: ${await describe()}` : '';
      const logs = [...(dead ? [dead] : daemons).map((d) => `--- ${d.label} (${d.logFile}) ---\n${tail(d.logFile, 25)}`)];
      for (const file of extraLogs()) logs.push(`--- ${file} ---\n${tail(file, 25)}`);
      throw new Error(`cluster: waited for ${what}, but ${reason}${seen}\n${logs.join('\n')}`);
    }
    await delay(250);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

interface DaemonOptions {
  label: string;
  logFile: string;
  env: Record<string, string>;
  args: string[];
  jars: SparkInstall;
  /** Run inside this network namespace. */
  ns?: string;
}

const running = new Set<JavaDaemon>();
let exitHooked = false;

/**
 * A Spark daemon JVM (master or worker) under the stdin watchdog, in its own process group:
 * when this process dies, or on stop(), java and whatever it started (executors) go too.
 */
class JavaDaemon {
  readonly label: string;
  readonly logFile: string;
  readonly javaPid: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  exitCode: number | null | undefined;

  private constructor(label: string, logFile: string, child: ChildProcess, exited: Promise<void>, javaPid: number) {
    this.label = label;
    this.logFile = logFile;
    this.#child = child;
    this.#exited = exited;
    this.javaPid = javaPid;
  }

  static async start(opts: DaemonOptions): Promise<JavaDaemon> {
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', () => {
        for (const d of running) d.kill();
      });
    }
    const javaArgs = ['-cp', join(opts.jars.jarsDir, '*')];
    // The classpath goes before the main class: insert it after the JVM flags.
    const mainAt = opts.args.findIndex((a) => a.startsWith('org.apache.spark.'));
    const args = [...opts.args.slice(0, mainAt), ...javaArgs, ...opts.args.slice(mainAt)];
    const wrapped = ['bash', '-c', WATCHDOG_SCRIPT, `drls-${opts.label}`, javaBinary(), ...args];
    const [cmd, ...argv] = opts.ns ? ['ip', 'netns', 'exec', opts.ns, ...wrapped] : wrapped;
    const log = openSync(opts.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(cmd!, argv, { stdio: ['pipe', log, log, 'pipe'], env: { ...process.env, ...opts.env }, detached: true });
    } finally {
      closeSync(log);
    }
    child.unref();
    (child.stdin as unknown as Socket).unref();
    const pidPipe = child.stdio[3] as Readable;
    (pidPipe as unknown as Socket).unref();
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        exitCode = code ?? (signal ? -1 : null);
        resolve();
      }),
    );
    child.once('error', () => (exitCode = -1));
    const javaPid = await readPid(pidPipe, exited);
    if (javaPid === null) throw new Error(`cluster: the ${opts.label} launcher exited before starting java\n${tail(opts.logFile, 25)}`);
    const daemon = new JavaDaemon(opts.label, opts.logFile, child, exited, javaPid);
    void exited.then(() => {
      daemon.exitCode = exitCode ?? null;
      running.delete(daemon);
    });
    running.add(daemon);
    return daemon;
  }

  /** SIGTERM (the watchdog stops java, then its group), bounded; then SIGKILL to the group. */
  async stop(timeoutMs = 25_000): Promise<void> {
    if (this.exitCode === undefined) {
      try {
        process.kill(this.#child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      const hold = setInterval(() => {}, 60_000);
      try {
        await Promise.race([this.#exited, delay(timeoutMs, undefined, { ref: false })]);
      } finally {
        clearInterval(hold);
      }
    }
    this.kill();
    running.delete(this);
  }

  /** Synchronous: the whole group and java, now (nothing once the watchdog has ended them itself). */
  kill(): void {
    if (this.exitCode !== undefined) return;
    for (const target of [-this.#child.pid!, this.javaPid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

