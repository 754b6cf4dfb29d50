import type { Log } from './download.js';

/**
 * Where the set-up says what it does: a line per stage ("fetching …", "ready"), and a progress
 * line for downloads that a terminal redraws in place. Written to stderr, so a program's own
 * stdout stays its own; off a terminal (CI, a log file) progress lines are left out.
 */
export function stderrSetupLog(stream: NodeJS.WriteStream = process.stderr): Log {
  let progressShown = false;
  return (line, kind = 'stage') => {
    if (kind === 'progress') {
      if (!stream.isTTY) return;
      stream.write(`\r\x1b[K[drls] ${line}`);
      progressShown = true;
      return;
    }
    stream.write(`${progressShown ? '\r\x1b[K' : ''}[drls] ${line}\n`);
    progressShown = false;
  };
}
