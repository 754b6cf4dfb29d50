// `node --import tsx bridge/spark/setup-cli.ts`: sets up the pinned Spark (see setup.ts) and exits.
import { errorMessage, DrlsError } from '../../runtime/base/index.js';
import { ensureSpark } from './setup.js';

const log = (line: string): void => {
  process.stderr.write(`[drls] ${line}\n`);
};

try {
  await ensureSpark({ log });
} catch (err) {
  const code = err instanceof DrlsError ? ` (${err.code})` : '';
  log(`Spark set-up failed${code}: ${errorMessage(err)}`);
  process.exit(1);
}
