import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What each layer may import (docs/architecture.md): data and dependencies run one way, from
 * the shared base up to the entry files, which only re-export. Most specific folder first.
 */
const LAYERS: readonly { folder: string; mayImport: readonly string[] }[] = [
  { folder: 'runtime/base', mayImport: ['runtime/base'] },
  { folder: 'runtime', mayImport: ['runtime'] },
  { folder: 'actors/monitor', mayImport: ['actors', 'runtime'] },
  { folder: 'actors', mayImport: ['actors', 'runtime'] },
  { folder: 'workers', mayImport: ['workers', 'actors', 'runtime'] },
  { folder: 'bridge/endpoint', mayImport: ['bridge/endpoint', 'runtime/base'] },
  { folder: 'bridge/connect', mayImport: ['bridge/connect', 'runtime/base'] },
  { folder: 'bridge/spark', mayImport: ['bridge/spark', 'bridge/connect', 'runtime/base'] },
  { folder: 'bridge/streaming', mayImport: ['bridge/streaming', 'bridge/endpoint', 'bridge/connect', 'actors', 'runtime'] },
];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'jvm' ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => relative(root, join(dirname(join(root, file)), m[1]!)));
}

const within = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}/`);

const test = suite('architecture: imports run one way');

test('every module imports only its own layer and the layers below it', () => {
  const wrong: string[] = [];
  for (const layer of LAYERS) {
    for (const file of sources(layer.folder)) {
      if (LAYERS.find((l) => within(file, l.folder)) !== layer) continue; // a deeper layer's file
      for (const target of importsOf(file)) {
        if (!layer.mayImport.some((allowed) => within(target, allowed))) wrong.push(`${file} imports ${target}`);
      }
    }
  }
  assert.equal(wrong, []);
});

test('the entry files only re-export', () => {
  for (const entry of ['index.ts', 'streaming.ts', 'streaming-monitor.ts']) {
    const code = readFileSync(join(root, entry), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/export\s+(type\s+)?(\*|\{[^}]*\})\s+from\s+'[^']+';/g, '')
      .trim();
    assert.is(code, '', `${entry} holds nothing but re-exports`);
  }
});

test.run();
