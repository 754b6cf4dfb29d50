import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SegmentWriter } from './segment-writer.js';

/**
 * Where a stream without a log spills an epoch that outgrows its memory: a temporary directory,
 * made on the first spill, its files removed once their epoch is acknowledged and the whole
 * directory when the stream ends (or the process exits). Nothing here is fsynced: it only has
 * to outlive the epoch, not a crash.
 */
export class SpillDir {
  readonly #streamId: string;
  #dir: Promise<string> | undefined;
  #removeAtExit: (() => void) | undefined;

  constructor(streamId: string) {
    this.#streamId = streamId;
  }

  /** A writer for one partition attempt's spilled frames. */
  async writer(epoch: number, partition: number, attempt: number): Promise<SegmentWriter> {
    const dir = await this.#made();
    return new SegmentWriter(join(dir, `spill-${epoch}-${partition}-${attempt}.seg`), this.#streamId);
  }

  #made(): Promise<string> {
    return (this.#dir ??= mkdtemp(join(tmpdir(), 'drls-spill-')).then((dir) => {
      this.#removeAtExit = () => rmSync(dir, { recursive: true, force: true });
      process.once('exit', this.#removeAtExit);
      return dir;
    }));
  }

  /** Removes the directory and everything in it. */
  async remove(): Promise<void> {
    const made = this.#dir;
    this.#dir = undefined;
    if (!made) return;
    const dir = await made;
    if (this.#removeAtExit) process.off('exit', this.#removeAtExit);
    await rm(dir, { recursive: true, force: true });
  }
}
