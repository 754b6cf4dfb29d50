// A child Node process for tests that need one of their own (to SIGKILL it, to watch what it
// leaves behind): a TypeScript fixture run with tsx, whose stdout lines are its reports. A test
// awaits the report it needs, bounded, never a length of time.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildOptions<T> {
  /** Node flags before `--import tsx`. */
  readonly nodeArgs?: readonly string[];
  /** The child's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** What a stdout line reports, or undefined when it reports nothing. Default: the line itself. */
  readonly parse?: (line: string) => T | undefined;
  /** What a failed wait quotes of the reports (default: the last 8). */
  readonly said?: (reports: readonly T[]) => readonly T[];
}

export interface Child<T> {
  readonly process: ChildProcess;
  /** Its reports so far, in order: one per stdout line that `parse` took. */
  readonly reports: readonly T[];
  /** Resolves with its exit code once it exited. */
  readonly exited: Promise<number | null>;
  /**
   * Resolves with the first report `accept` takes, waiting for it if need be; fails, saying
   * `what` was awaited and what the child said, if the child exits first or after `timeoutMs`.
   */
  next(what: string, accept: (report: T) => boolean, timeoutMs?: number): Promise<T>;
  /** SIGKILLs it; resolves once it exited. */
  kill(): Promise<void>;
}

/** Starts `node [nodeArgs] --import tsx <script> <args>`, its stdout read line by line, its stderr this process's. */
export function startChild<T = string>(script: string, args: readonly string[], options: ChildOptions<T> = {}): Child<T> {
  const { nodeArgs = [], env = process.env, parse = (line: string) => line as T, said = (r: readonly T[]) => r.slice(-8) } = options;
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const reports: T[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (d: string) => {
    buffered += d;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const report = parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (report !== undefined) reports.push(report);
    }
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const saying = (): string => JSON.stringify(said(reports));
  return {
    process: proc,
    reports,
    exited,
    next(what, accept, timeoutMs = 120_000) {
      return new Promise<T>((resolve, reject) => {
        const check = (): void => {
          const found = reports.find(accept);
          if (found === undefined) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`the child never reported ${what}; it said: ${saying()}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then((code) => {
          if (!waiters.has(check)) return;
          cleanup();
          const found = reports.find(accept);
          if (found !== undefined) resolve(found);
          else reject(new Error(`the child exited (${code}) before it reported ${what}; it said: ${saying()}`));
        });
        check();
      });
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Whether a process with this pid is running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
