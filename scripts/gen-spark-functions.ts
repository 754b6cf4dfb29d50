// Generates bridge/connect/generated/spark-functions.ts: the names (with Spark's own usage text)
// of every built-in function of the pinned Spark, read from its FunctionRegistry at set-up, so
// `fn(name, ...)` is checked against the real list and nothing is typed by hand. The output is
// not committed (.gitignore); scripts/dev.sh runs this after the Spark set-up. Idempotent: a
// file generated from the same Spark by the same generator is left alone (no JVM is started).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaBinary } from '../bridge/spark/java.js';
import { sparkHome } from '../bridge/spark/setup.js';
import { SPARK_VERSION } from '../bridge/spark/version.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const lister = join(root, 'scripts', 'SparkFunctionList.java');
const out = join(root, 'bridge', 'connect', 'generated', 'spark-functions.ts');

const log = (line: string): void => {
  process.stderr.write(`[drls] ${line}\n`);
};

interface SparkFunction {
  readonly name: string;
  readonly group: string;
  readonly since: string;
  readonly usage: string;
}

function stamp(): string {
  const hash = createHash('sha256');
  for (const file of [fileURLToPath(import.meta.url), lister]) hash.update(readFileSync(file));
  return `// drls-generated spark=${SPARK_VERSION} generator=${hash.digest('hex').slice(0, 16)}`;
}

function listFunctions(): SparkFunction[] {
  const jars = join(sparkHome(SPARK_VERSION), 'jars');
  if (!existsSync(jars)) throw new Error(`no Spark ${SPARK_VERSION} jars in ${jars}; run the Spark set-up first (npm run setup)`);
  // Single-file source mode: the JDK compiles the lister in memory against Spark's jars.
  const r = spawnSync(javaBinary(), ['-cp', join(jars, '*'), lister], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 120_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`listing Spark's functions failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
  const fns = r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const [name = '', group = '', since = '', usage = ''] = line.split('\t');
      return { name, group: group || 'misc_funcs', since, usage };
    });
  // A registry that answered with next to nothing means the lister broke, not that Spark has no functions.
  if (fns.length < 100 || fns.some((f) => !f.name)) throw new Error(`Spark listed ${fns.length} functions; expected hundreds`);
  return fns;
}

function doc(f: SparkFunction): string {
  const usage = f.usage.length > 600 ? `${f.usage.slice(0, 597)}...` : f.usage;
  const text = `${usage || f.name} (${f.group}${f.since ? `, since Spark ${f.since}` : ''})`;
  return text.replace(/\*\//g, '*\\/');
}

function render(fns: SparkFunction[], header: string): string {
  const groups = [...new Set(fns.map((f) => f.group))].sort();
  const lines = [
    header,
    `// Generated at set-up by scripts/gen-spark-functions.ts from the FunctionRegistry of Spark ${SPARK_VERSION}.`,
    '// Not committed: `npm run setup` (or any npm script) makes it again. Do not edit.',
    '',
    '/** The Spark release whose function registry this list was read from. */',
    `export const SPARK_FUNCTIONS_VERSION = ${JSON.stringify(SPARK_VERSION)};`,
    '',
    "/** Spark's groups of built-in functions (`ExpressionInfo.group`). */",
    `export type SparkFunctionGroup = ${groups.map((g) => JSON.stringify(g)).join(' | ')};`,
    '',
    '/** Every built-in function of the pinned Spark, by name, with its group; each doc is Spark\'s usage text. */',
    'export interface SparkBuiltinFunctions {',
    ...fns.flatMap((f) => [`  /** ${doc(f)} */`, `  ${JSON.stringify(f.name)}: ${JSON.stringify(f.group)};`]),
    '}',
    '',
    '/** The same list at run time: name to group. */',
    'export const SPARK_FUNCTION_GROUPS: { readonly [N in keyof SparkBuiltinFunctions]: SparkBuiltinFunctions[N] } = {',
    ...fns.map((f) => `  ${JSON.stringify(f.name)}: ${JSON.stringify(f.group)},`),
    '};',
    '',
  ];
  return lines.join('\n');
}

function main(): void {
  const header = stamp();
  if (existsSync(out) && readFileSync(out, 'utf8').startsWith(`${header}\n`)) return;
  log(`generating the function list of Spark ${SPARK_VERSION} into ${out}`);
  const fns = listFunctions();
  mkdirSync(dirname(out), { recursive: true });
  // Written aside and renamed, so a concurrent run never reads half a file.
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, render(fns, header));
  renameSync(tmp, out);
  log(`  ${fns.length} functions`);
}

try {
  main();
} catch (err) {
  log(`generating the Spark function list failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
