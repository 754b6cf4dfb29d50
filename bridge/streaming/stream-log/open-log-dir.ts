import { mkdir } from 'node:fs/promises';
import { InvalidArgumentError } from '../../../runtime/base/index.js';
import { resolve } from 'node:path';
import { lockDir } from './dir-lock.js';
import type { ValidLogOptions } from './log-options.js';
import { readManifest, writeManifest } from './manifest-file.js';

/** What one kind of stream log (forward, reverse) brings to opening its directory. */
export interface LogDirKind<M, L> {
  /** The manifest's `kind`, and what a stream of that kind carries, for messages: 'forward', 'Spark-to-Node'. */
  readonly kind: string;
  readonly carries: string;
  /** The manifest of a new log. */
  readonly create: (streamId: string) => M;
  /** The fields of this kind's manifest found on disk (version and kind already checked): throws when malformed. */
  readonly check: (found: Record<string, unknown>, dir: string, name: string) => M;
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
    const manifest = found === undefined ? kind.create(streamId) : kind.check(checkHeader(found, dir, name, kind), dir, name);
    const log = await kind.load(dir, manifest, unlock);
    if (found === undefined) await writeManifest(dir, manifest, options.fsync !== 'never');
    await kind.loaded?.(log);
    return log;
  } catch (err) {
    await unlock();
    throw err;
  }
}

/** A manifest this version of drls reads (version 1), of `kind`'s kind. */
function checkHeader(found: unknown, dir: string, name: string, kind: Pick<LogDirKind<unknown, unknown>, 'kind' | 'carries'>): Record<string, unknown> {
  const m = found as Record<string, unknown> | null;
  if (!m || typeof m !== 'object' || m['version'] !== 1) {
    throw new InvalidArgumentError(`${name}.dir: ${dir} holds a manifest this version of drls does not read`);
  }
  if (m['kind'] !== kind.kind) {
    throw new InvalidArgumentError(`${name}.dir: ${dir} is the log of a ${String(m['kind'])} stream, not of a ${kind.carries} one`);
  }
  return m;
}
