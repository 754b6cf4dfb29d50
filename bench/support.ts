/** Small helpers for the benchmarks: timing, percentiles, a table printer. */
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
