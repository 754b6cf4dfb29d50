// `node --import tsx bridge/spark/setup-cli.ts`: sets up the pinned Spark (see setup.ts) and exits.
import { DrlsError } from '../../errors.js';
import { ensureSpark } from './setup.js';

const log = (line: string): void => {
  process.stderr.write(`[drls] ${line}\n`);
};

try {
  await ensureSpark({ log });
} catch (err) {
  const code = err instanceof DrlsError ? ` (${err.code})` : '';
  log(`Spark set-up failed${code}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
