import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../../runtime/base/index.js';

const LOCK = 'lock';
/** Directories this process holds: a second open in the same process is refused at once. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process, one stream, per log directory: the lock file holds the owner's pid. A lock left
 * by a process that is gone (killed) is taken over; a live owner is refused.
 */
export async function lockDir(dir: string, name: string): Promise<() => Promise<void>> {
  if (held.has(dir)) throw new InvalidArgumentError(`${name}: the stream log ${dir} is already open in this process; stop its stream first`);
  const path = join(dir, LOCK);
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new InvalidArgumentError(`${name}: the stream log ${dir} is in use by process ${owner}`);
      }
      await rm(path, { force: true }); // its owner is gone
    }
  }
  held.add(dir);
  return async () => {
    held.delete(dir);
    await rm(path, { force: true });
  };
}
