// `npm run bench`: every benchmark of the project, one after the other, in one process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const suites = ['core.bench.ts', 'spark-connect.bench.ts', 'bridge.bench.ts'];
const only = process.argv[2];
for (const file of suites) {
  if (only && !file.startsWith(only)) continue;
  if (!existsSync(fileURLToPath(new URL(`./${file}`, import.meta.url)))) continue;
  console.log(`\n=== ${file} ===`);
  const mod = (await import(`./${file}`)) as { run: () => Promise<void> };
  await mod.run();
}
process.exit(0);
