/** Small helpers for the benchmarks: timing, percentiles, a table printer, CPU and GC windows. */
import { readdirSync, readFileSync } from 'node:fs';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export const KiB = 1024;
export const MiB = 1024 * 1024;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]): string => `| ${r.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** A target a benchmark checks: printed together, one line each, at the end of `npm run bench`. */
export interface Target {
  readonly name: string;
  readonly measured: number;
  readonly goal: number;
  /** 'min': measured must reach the goal (a rate, a ratio); 'max': it must stay at or under it (a cost, a latency). */
  readonly kind: 'min' | 'max';
  /** Unit appended to both numbers, e.g. 'x', ' s/GB', ' ms'. */
  readonly unit?: string;
}

const targets: Target[] = [];

export function reportTarget(target: Target): void {
  targets.push(target);
}

/** The lines `target <name>: measured=<x> goal=<y> met=<yes|no>`, in the order they were reported. */
export function targetLines(): string[] {
  return targets.map((t) => {
    const met = t.kind === 'min' ? t.measured >= t.goal : t.measured <= t.goal;
    const unit = t.unit ?? '';
    return `target ${t.name}: measured=${fmt(t.measured)}${unit} goal=${t.kind === 'min' ? '>=' : '<='}${fmt(t.goal)}${unit} met=${met ? 'yes' : 'no'}`;
  });
}

/** The median of `xs` (NaN for none). */
export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

/** Round by round, `num[i] / den[i]`, shown as "min-max". */
export function ratioRange(num: readonly number[], den: readonly number[]): string {
  const ratios = num.map((n, i) => n / den[i]!);
  return `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
}

/** Garbage collections V8 reported during a window, by kind, and their summed pause. */
export interface GcCounts {
  minor: number;
  major: number;
  incremental: number;
  weakcb: number;
  /** Summed duration of those collections on the main thread, ms. */
  ms: number;
}

/** Where a process spent its CPU during a window. */
export interface CpuSample {
  /** process.cpuUsage(): user + system seconds of every thread. */
  readonly cpu: number;
  /** The main thread's seconds (from /proc/self/task; NaN where there is no /proc). */
  readonly main: number;
  /** Every other thread's seconds (V8's GC and compiler helpers, libuv's pool, loader threads). */
  readonly others: number;
  /** Other threads' seconds by thread name, where Node names them (Node 22+: V8Worker, libuv-worker...). */
  readonly byName: Readonly<Record<string, number>>;
  readonly gc: GcCounts;
}

export interface CpuWindow {
  /** Ends the window. Waits a tick so V8's last GC entries are delivered. */
  stop(): Promise<CpuSample>;
}

/** Per-thread CPU seconds of this process, keyed by thread id, with each thread's name. */
function threadTimes(): Map<string, { name: string; seconds: number }> {
  const out = new Map<string, { name: string; seconds: number }>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      // Fields after the name: state is field 3, utime 14, stime 15 (1-based), in clock ticks.
      const rest = stat.slice(close + 2).split(' ');
      out.set(tid, { name, seconds: (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS });
    } catch {
      // The thread ended while we looked.
    }
  }
  return out;
}

/** Linux's USER_HZ: /proc times are in hundredths of a second on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/**
 * Measures the process's CPU from now until stop(): all threads (process.cpuUsage), the main
 * thread apart from the others, and V8's collections (perf_hooks 'gc' entries).
 */
export function cpuWindow(): CpuWindow {
  const gc: GcCounts = { minor: 0, major: 0, incremental: 0, weakcb: 0, ms: 0 };
  const count = (list: readonly PerformanceEntry[]): void => {
    for (const e of list) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL) gc.incremental++;
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_WEAKCB) gc.weakcb++;
      gc.ms += e.duration;
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const before = threadTimes();
  const cpu0 = process.cpuUsage();
  return {
    async stop() {
      const used = process.cpuUsage(cpu0);
      const after = threadTimes();
      await new Promise((r) => setImmediate(r));
      count(observer.takeRecords());
      observer.disconnect();
      let main = after.size === 0 ? NaN : 0;
      let others = after.size === 0 ? NaN : 0;
      const byName: Record<string, number> = {};
      for (const [tid, t] of after) {
        const seconds = t.seconds - (before.get(tid)?.seconds ?? 0);
        if (tid === String(process.pid)) main += seconds;
        else {
          others += seconds;
          byName[t.name] = (byName[t.name] ?? 0) + seconds;
        }
      }
      return { cpu: (used.user + used.system) / 1e6, main, others, byName, gc };
    },
  };
}

/** Adds CPU samples field by field (to total several runs). */
export function addSamples(samples: readonly CpuSample[]): CpuSample {
  const byName: Record<string, number> = {};
  const gc: GcCounts = { minor: 0, major: 0, incremental: 0, weakcb: 0, ms: 0 };
  let cpu = 0;
  let main = 0;
  let others = 0;
  for (const s of samples) {
    cpu += s.cpu;
    main += s.main;
    others += s.others;
    for (const [k, v] of Object.entries(s.byName)) byName[k] = (byName[k] ?? 0) + v;
    for (const k of Object.keys(gc) as (keyof GcCounts)[]) gc[k] += s.gc[k];
  }
  return { cpu, main, others, byName, gc };
}

/** Other threads' CPU by name, biggest first, as "name 0.12 s, ..." (Node 20 calls every thread "node"). */
export function threadSummary(s: CpuSample, scale = 1, unit = ' s'): string {
  return Object.entries(s.byName)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v * scale).toFixed(2)}${unit}`)
    .join(', ');
}
