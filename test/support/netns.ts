// Test "hosts" on one machine: Linux network namespaces, each with an address of its own on a
// veth link into a bridge in the root namespace, which holds the root side's address. Root and
// every namespace reach each other, and namespaces reach one another, all on one layer-2
// segment: no IP forwarding, no firewall rules, nothing host-wide changes.
//
// Everything made here is named after this process (`drls-<pid>-…`, `drls[bvp]<pid>…`), is torn
// down by `destroy()`, on process exit and on SIGINT/SIGTERM, and what a dead process of ours left
// behind is removed before a new network is made. Addresses come from 198.18.0.0/15 only (RFC 2544,
// reserved for tests), one /24 per network, chosen so concurrent runs do not collide.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { constants } from 'node:os';

export interface NetnsHost {
  /** Short name, `w1`, `w2`, …: also the worker's tag in the tests. */
  readonly name: string;
  /** The network namespace (`ip netns exec <ns> …`). */
  readonly ns: string;
  /** Its address, reachable from the root namespace and from the other hosts. */
  readonly ip: string;
}

export interface HostNetwork {
  /** The root namespace's address on the bridge: what the hosts reach this process at. */
  readonly rootIp: string;
  readonly hosts: readonly NetnsHost[];
  readonly bridge: string;
  /** Remove the namespaces (killing whatever still runs in them), links and bridge. Idempotent. */
  destroy(): void;
}

const NS_PREFIX = 'drls-';
const NS_PATTERN = /^drls-(\d+)-[a-z0-9]+$/;
// Interface names are at most 15 characters: `drls` + kind + pid (up to 7 digits) + host suffix.
const LINK_PATTERN = /^drls[bvp](\d+)(w\d+)?$/;
const IP_TIMEOUT_MS = 15_000;

const live = new Set<HostNetwork>();
let hooked = false;

/** Run `ip` with arguments; throws with its stderr when it fails. */
export function ip(args: readonly string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  if (r.error) throw new Error(`ip ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} exited with ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Like `ip`, but a failure is ignored (teardown of things that may already be gone). */
function ipQuiet(args: readonly string[]): void {
  spawnSync('ip', args, { stdio: 'ignore', timeout: IP_TIMEOUT_MS });
}

/**
 * Why namespaces cannot be made here (not root, no `ip`, `ip netns add` refused), or null when
 * they can. Tries for real: makes a namespace and removes it.
 */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return `making network namespaces needs root (running as uid ${process.getuid()})`;
  }
  const probe = `${NS_PREFIX}${process.pid}-probe`;
  try {
    removeStale();
    ipQuiet(['netns', 'del', probe]);
    ip(['netns', 'add', probe]);
  } catch (err) {
    return `\`ip netns add\` failed: ${(err as Error).message}`;
  } finally {
    ipQuiet(['netns', 'del', probe]);
  }
  return null;
}

/**
 * Whether `pid` is a live Node process, which may own names made with it; otherwise they are
 * stale. This process's own names count as stale while it has no network live (a dead process
 * with the same pid left them).
 */
function ownerAlive(pid: number): boolean {
  if (pid === process.pid) return live.size > 0;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A recycled pid is someone else's: only a Node process can be a run of this support.
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0] ?? '';
    return /^node/.test(argv0.slice(argv0.lastIndexOf('/') + 1));
  } catch {
    return false;
  }
}

/** SIGKILL every process inside a namespace (a namespace outlives its name while they run). */
function killInside(ns: string): void {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  for (const line of (r.stdout ?? '').split('\n')) {
    const pid = Number.parseInt(line, 10);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function namespaces(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  return (r.stdout ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(NS_PREFIX));
}

function links(): string[] {
  try {
    return readdirSync('/sys/class/net').filter((n) => LINK_PATTERN.test(n));
  } catch {
    return [];
  }
}

/** Remove namespaces and links of our naming scheme whose owning process is gone. */
export function removeStale(): string[] {
  const removed: string[] = [];
  for (const ns of namespaces()) {
    const m = NS_PATTERN.exec(ns);
    if (!m || ownerAlive(Number(m[1]))) continue;
    killInside(ns);
    ipQuiet(['netns', 'del', ns]);
    removed.push(`netns ${ns}`);
  }
  // Bridges last: a veth goes with its peer's namespace, or is removed here.
  for (const kind of ['v', 'p', 'b']) {
    for (const link of links()) {
      const m = LINK_PATTERN.exec(link);
      if (!m || link[4] !== kind || ownerAlive(Number(m[1]))) continue;
      ipQuiet(['link', 'del', link]);
      removed.push(`link ${link}`);
    }
  }
  return removed;
}

/** Every IPv4 network in use here (addresses with their prefix, routes of every table), as [first, last]. */
function usedRanges(): [number, number][] {
  const text = ['-o -4 addr show', '-4 route show table all']
    .map((args) => spawnSync('ip', args.split(' '), { encoding: 'utf8', timeout: IP_TIMEOUT_MS }).stdout ?? '')
    .join('\n');
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(/\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?\b/g)) {
    const addr = (((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0);
    const bits = m[5] === undefined ? 32 : Number(m[5]);
    const size = 2 ** (32 - bits);
    const first = addr - (addr % size);
    ranges.push([first, first + size - 1]);
  }
  return ranges;
}

/** A /24 inside 198.18.0.0/15 that overlaps nothing in use, starting from one derived from the pid. */
function pickSubnet(): string {
  const used = usedRanges();
  const base = ((198 << 24) | (18 << 16)) >>> 0;
  for (let i = 0; i < 512; i++) {
    const n = (process.pid + i) % 512;
    const first = base + n * 256;
    const last = first + 255;
    if (used.some(([a, b]) => a <= last && b >= first)) continue;
    return `198.${18 + (n >> 8)}.${n & 255}.`;
  }
  throw new Error('no free /24 left in 198.18.0.0/15');
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // Synchronous teardown: 'exit' handlers cannot wait.
  process.on('exit', () => {
    for (const n of [...live]) n.destroy();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      for (const n of [...live]) n.destroy();
      // Exit as the signal would have, but through 'exit', so every other exit hook (scratch
      // directories, Spark servers) runs too.
      process.exit(128 + (constants.signals[signal] ?? 0));
    });
  }
}

/**
 * Make `count` hosts: namespaces `drls-<pid>-w<i>` at `<prefix>.1<i>`, bridged to the root
 * namespace at `<prefix>.1`. Throws (having removed whatever it made) when any step fails.
 */
export function createHostNetwork(count: number): HostNetwork {
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`count must be 1..9, got ${count}`);
  // Names carry the pid only: one network per process at a time.
  if (live.size > 0) throw new Error('a host network of this process is still up; destroy() it first');
  removeStale();
  hookExit();
  const pid = process.pid;
  const prefix = pickSubnet();
  const rootIp = `${prefix}1`;
  const bridge = `drlsb${pid}`;
  const hosts: NetnsHost[] = Array.from({ length: count }, (_, i) => ({ name: `w${i + 1}`, ns: `${NS_PREFIX}${pid}-w${i + 1}`, ip: `${prefix}${11 + i}` }));
  let destroyed = false;
  const network: HostNetwork = {
    rootIp,
    hosts,
    bridge,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      live.delete(network);
      for (const h of hosts) {
        killInside(h.ns);
        ipQuiet(['netns', 'del', h.ns]);
        ipQuiet(['link', 'del', `drlsv${pid}${h.name}`]);
        ipQuiet(['link', 'del', `drlsp${pid}${h.name}`]);
      }
      ipQuiet(['link', 'del', bridge]);
    },
  };
  live.add(network);
  try {
    ip(['link', 'add', bridge, 'type', 'bridge']);
    ip(['addr', 'add', `${rootIp}/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
    for (const h of hosts) {
      const outside = `drlsv${pid}${h.name}`;
      const inside = `drlsp${pid}${h.name}`;
      ip(['netns', 'add', h.ns]);
      ip(['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
      ip(['link', 'set', inside, 'netns', h.ns]);
      ip(['link', 'set', outside, 'master', bridge]);
      ip(['link', 'set', outside, 'up']);
      ip(['-n', h.ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'dev', inside]);
      ip(['-n', h.ns, 'link', 'set', inside, 'up']);
    }
  } catch (err) {
    network.destroy();
    throw err;
  }
  return network;
}

/** Whether a TCP connection to host:port opens from this (root) namespace within `timeoutMs`. */
export function tcpConnects(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Check the network before anything runs on it: from every host, a TCP connect to a listener
 * on the root address, and to every other host's address (a refusal there proves the route:
 * nothing listens yet). Throws naming the first pair that could not talk.
 */
export async function checkReachability(network: HostNetwork): Promise<void> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, network.rootIp, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  try {
    for (const h of network.hosts) {
      const toRoot = connectFrom(h.ns, network.rootIp, port);
      if (toRoot !== 'connected') throw new Error(`${h.name} (${h.ns}, ${h.ip}) cannot reach ${network.rootIp}:${port}: ${toRoot}`);
      for (const other of network.hosts) {
        if (other === h) continue;
        const toOther = connectFrom(h.ns, other.ip, 9);
        if (toOther !== 'connected' && toOther !== 'refused') throw new Error(`${h.name} cannot reach ${other.name} at ${other.ip}: ${toOther}`);
      }
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A TCP connect from inside a namespace (bash's /dev/tcp; there is no ping here), bounded. */
function connectFrom(ns: string, host: string, port: number): 'connected' | 'refused' | string {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.status === 0) return 'connected';
  if (/refused/i.test(r.stderr ?? '')) return 'refused';
  return (r.stderr ?? '').trim() || `exit ${r.status ?? r.signal}`;
}

/** Pids of the processes inside a namespace. */
export function pidsIn(ns: string): number[] {
  return ip(['netns', 'pids', ns])
    .split('\n')
    .map((l) => Number.parseInt(l, 10))
    .filter((p) => Number.isInteger(p) && p > 0);
}

/** A process's command line, NULs as spaces; '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * Established TCP connections, seen from inside the namespace process `pid` lives in, whose
 * remote end is `host:port` (IPv4, also as IPv4-mapped IPv6: the JVM opens dual-stack sockets).
 */
export function establishedTo(pid: number, host: string, port: number): number {
  const wantIp = host
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .reverse()
    .join('')
    .toUpperCase();
  const wantPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [remote, state] = [cols[2], cols[3]];
      if (!remote || state !== '01') continue; // 01: ESTABLISHED
      const [addr, rport] = remote.split(':');
      if (rport !== wantPort || !addr) continue;
      const v4 = addr.length === 8 ? addr : addr.startsWith('0000000000000000FFFF0000') ? addr.slice(24) : '';
      if (v4 === wantIp) n++;
    }
  }
  return n;
}
