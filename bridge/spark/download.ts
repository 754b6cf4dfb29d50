import { createHash } from 'node:crypto';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SparkSetupFailedError, errorMessage } from '../../runtime/base/index.js';

/** Where set-up says what it does: a stage of it, or a download's progress (often redrawn in place). */
export type Log = (line: string, kind?: 'stage' | 'progress') => void;

/** No byte for this long means the registry stalled; better a clear error than a hang. */
const STALL_MS = 60_000;
const CONNECT_MS = 30_000;

/** GET a URL and fail with a message that says what to do when the registry is unreachable. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(CONNECT_MS) });
  } catch (err) {
    throw unreachable(url, err);
  }
  if (!res.ok) {
    throw new SparkSetupFailedError(`GET ${url} answered HTTP ${res.status} ${res.statusText}`);
  }
  return res;
}

function unreachable(url: string, err: unknown): SparkSetupFailedError {
  const host = new URL(url).host;
  const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return new SparkSetupFailedError(
    `cannot reach ${host} (${why}). Spark is downloaded once from ${host}; check the network ` +
      `or proxy (HTTPS_PROXY), or point DRLS_CACHE_DIR at a cache that already holds it, then run ` +
      `\`npm run setup\` again.`,
    { cause: err },
  );
}

/**
 * Stream `url` into `sink`, printing progress every 5 % and verifying the SHA-256 of the bytes
 * as they pass. The sink sees the bytes before the hash is known, so callers write into a staging
 * place and promote it only after this resolves.
 */
export async function download(
  url: string,
  opts: { label: string; sha256: string; sink: Writable; log: Log; size?: number },
): Promise<void> {
  const res = await get(url);
  if (!res.body) throw new SparkSetupFailedError(`GET ${url} returned no body`);
  const total = Number(res.headers.get('content-length')) || opts.size || 0;
  const hash = createHash('sha256');
  const started = Date.now();
  let seen = 0;
  let nextReport = 5;
  let stall: NodeJS.Timeout | undefined;
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  const armStall = (): void => {
    clearTimeout(stall);
    stall = setTimeout(
      () => body.destroy(new SparkSetupFailedError(`download of ${opts.label} stalled: no data for ${STALL_MS / 1000} s`)),
      STALL_MS,
    );
  };
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      armStall();
      hash.update(chunk);
      seen += chunk.length;
      if (total > 0) {
        const pct = Math.floor((seen * 100) / total);
        if (pct >= nextReport) {
          const secs = (Date.now() - started) / 1000;
          opts.log(
            `  ${opts.label}: ${pct}% (${mb(seen)} of ${mb(total)} MB, ${(seen / 1e6 / Math.max(secs, 0.001)).toFixed(1)} MB/s)`,
            'progress',
          );
          nextReport = pct - (pct % 5) + 5;
        }
      }
      done(null, chunk);
    },
  });
  armStall();
  try {
    await pipeline(body, tap, opts.sink);
  } catch (err) {
    if (err instanceof SparkSetupFailedError) throw err;
    throw new SparkSetupFailedError(`download of ${opts.label} from ${url} failed: ${errorMessage(err)}`, { cause: err });
  } finally {
    clearTimeout(stall);
  }
  const digest = hash.digest('hex');
  if (digest !== opts.sha256) {
    throw new SparkSetupFailedError(
      `${opts.label} from ${url} has SHA-256 ${digest}, expected ${opts.sha256}; the download is corrupt or was tampered with`,
    );
  }
}

function mb(n: number): string {
  return (n / 1e6).toFixed(0);
}

