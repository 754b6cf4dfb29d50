import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder of drls's own package.json: the same whether drls runs from its sources (under
 * tsx) or from the built `dist/`, since this file sits one or two levels further down in each.
 * Files the package ships beside its code (the connector jar) are found from here, not guessed.
 */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'drls') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`drls: no package.json of drls above ${fileURLToPath(import.meta.url)}`);
  }
}
