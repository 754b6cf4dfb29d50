import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lockDir } from './dir-lock.js';
import type { ValidLogOptions } from './log-options.js';
import { readManifest, writeManifest } from './manifest-file.js';

/** What one kind of stream log (forward, reverse) brings to opening its directory. */
export interface LogDirKind<M, L> {
  /** The manifest of a new log. */
  readonly create: (streamId: string) => M;
  /** The manifest found on disk, checked: throws when it is not this kind's or is malformed. */
  readonly check: (found: unknown, dir: string, name: string) => M;
  /** Makes the log, its directory locked, and recovers it; before a new log's manifest is written. */
  readonly load: (dir: string, manifest: M, unlock: () => Promise<void>) => Promise<L>;
  /** Reads what else the log needs once a new log's manifest is written. */
  readonly loaded?: (log: L) => Promise<void>;
}

/**
 * Opens (or creates) a stream log's directory: creates it if missing, takes its lock, reads the
 * manifest or makes a new one, has `kind` load the log, and writes a new log's manifest at once,
 * so it says what it is (a reverse stream never opens a forward log, nor the other way round).
 * On any failure the lock is released before the error is thrown.
 */
export async function openLogDir<M, L>(options: ValidLogOptions, streamId: string, name: string, kind: LogDirKind<M, L>): Promise<L> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const unlock = await lockDir(dir, name);
  try {
    const found = await readManifest(dir, streamId);
    const manifest = found === undefined ? kind.create(streamId) : kind.check(found, dir, name);
    const log = await kind.load(dir, manifest, unlock);
    if (found === undefined) await writeManifest(dir, manifest, options.fsync !== 'never');
    await kind.loaded?.(log);
    return log;
  } catch (err) {
    await unlock();
    throw err;
  }
}
