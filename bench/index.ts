// `npm run bench`: every benchmark of the project, one after the other, in one process. It
// ends with one line per target: `target <name>: measured=<x> goal=<y> met=<yes|no>`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { targetLines } from './support.js';

const suites = ['core.bench.ts', 'spark-connect.bench.ts', 'bridge.bench.ts', 'cluster.bench.ts', 'node-cost.bench.ts', 'latency.bench.ts', 'durable.bench.ts'];
const only = process.argv[2];
for (const file of suites) {
  if (only && !file.startsWith(only)) continue;
  if (!existsSync(fileURLToPath(new URL(`./${file}`, import.meta.url)))) continue;
  console.log(`\n=== ${file} ===`);
  const mod = (await import(`./${file}`)) as { run: () => Promise<void> };
  await mod.run();
}
console.log('');
for (const line of targetLines()) console.log(line);
process.exit(0);
