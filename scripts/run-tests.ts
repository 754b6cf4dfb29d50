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
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk: string) => {
  out += chunk;
  process.stdout.write(chunk);
});

child.on('close', (code, signal) => {
  const num = (label: string): number | undefined => {
    const m = new RegExp(`${label}:\\s+(\\d+)`).exec(out);
    return m ? Number(m[1]) : undefined;
  };
  const total = num('Total');
  const passed = num('Passed') ?? 0;
  const skipped = num('Skipped') ?? 0;
  // A runner that died before its summary counts as one failure, never as a pass.
  const failed = total === undefined ? 1 : Math.max(0, total - passed - skipped) || (code === 0 ? 0 : 1);
  if (signal) console.log(`test runner killed by ${signal}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
