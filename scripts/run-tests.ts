// Runs the uvu suites under test/ in one process (so one local Spark serves them all),
// echoes their output, and ends with the plain line CI counts: `N passed, N failed`.
import { spawn } from 'node:child_process';

const pattern = process.argv[2] ?? '\\.test\\.ts$';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern, '-c', 'false'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

let out = '';
// uvu's summary ends with its Duration line. A runner still alive well after it is held open by
// something a test left behind (a socket, a timer): a defect, reported and failed, never a hang.
const EXIT_GRACE_MS = 120_000; // the shared Spark stops at beforeExit: about a second
let lingered = false;
let grace: NodeJS.Timeout | undefined;
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk: string) => {
  out += chunk;
  process.stdout.write(chunk);
  if (!grace && /Duration:/.test(out)) {
    grace = setTimeout(() => {
      lingered = true;
      console.log(`test runner still running ${EXIT_GRACE_MS / 1000} s after its summary: a test left an open handle; stopping it`);
      child.kill('SIGKILL');
    }, EXIT_GRACE_MS);
    grace.unref();
  }
});

child.on('close', (code, signal) => {
  if (grace) clearTimeout(grace);
  const num = (label: string): number | undefined => {
    const m = new RegExp(`${label}:\\s+(\\d+)`).exec(out);
    return m ? Number(m[1]) : undefined;
  };
  const total = num('Total');
  const passed = num('Passed') ?? 0;
  const skipped = num('Skipped') ?? 0;
  // A runner that died before its summary counts as one failure, never as a pass.
  const failed = total === undefined ? 1 : Math.max(0, total - passed - skipped) || (code === 0 && !lingered ? 0 : 1);
  if (signal && !lingered) console.log(`test runner killed by ${signal}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 && !lingered ? 0 : 1);
});
