import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamFailedError } from '../../../runtime/base/index.js';

export const MANIFEST = 'manifest.json';
const TEMP = 'manifest.json.tmp';

/**
 * The log's manifest is replaced whole, never edited in place: written to a temporary file,
 * fsynced, renamed over the old one (atomic on POSIX file systems), then the directory fsynced
 * so the rename itself is on disk. A crash leaves either the old manifest or the new one.
 */
export async function writeManifest(dir: string, content: unknown, durable: boolean): Promise<void> {
  const temp = join(dir, TEMP);
  const file = await open(temp, 'w');
  try {
    await file.writeFile(JSON.stringify(content));
    if (durable) await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, join(dir, MANIFEST));
  if (durable) await syncDir(dir);
}

/** The manifest's content, or undefined when the log is new (a leftover temporary file is dropped). */
export async function readManifest(dir: string, streamId: string): Promise<unknown> {
  await rm(join(dir, TEMP), { force: true });
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // Never written in place, so it cannot be torn: a manifest that does not parse was damaged.
    throw new StreamFailedError(streamId, `the stream log's manifest ${join(dir, MANIFEST)} does not parse`, err);
  }
}

/** Makes a directory's entries (files created, renamed, removed) durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
