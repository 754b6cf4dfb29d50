import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/** Maps a member's path to where it should be written, or null to skip it. */
export type TarFilter = (memberPath: string) => string | null;

const BLOCK = 512;

/**
 * A streaming reader of (uncompressed) tar that writes only the members `filter` keeps.
 * Streaming lets set-up verify and unpack the 455 MB sdist in one pass without keeping it on
 * disk. Understands ustar, GNU long names and PAX path records, which is all an sdist uses.
 */
export function tarExtractor(filter: TarFilter): Writable & { readonly written: string[] } {
  let header = Buffer.alloc(0);
  let remaining = 0; // data bytes left in the current member
  let padding = 0; // bytes after the data up to the next block
  let fd: number | null = null;
  let meta: Buffer[] | null = null; // collects a long-name or PAX record
  let metaKind = '';
  let nextPath: string | null = null;
  const written: string[] = [];

  const startMember = (h: Buffer): void => {
    const size = parseOctal(h.subarray(124, 136));
    const type = String.fromCharCode(h[156] ?? 0);
    const name = cstr(h.subarray(0, 100));
    const prefix = h.subarray(257, 263).toString('latin1').startsWith('ustar') ? cstr(h.subarray(345, 500)) : '';
    const path = nextPath ?? (prefix ? `${prefix}/${name}` : name);
    remaining = size;
    padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'L' || type === 'x') {
      meta = [];
      metaKind = type;
      return;
    }
    nextPath = null;
    if (type === '0' || type === '\0' || type === '7') {
      const dest = filter(path);
      if (dest !== null) {
        mkdirSync(dirname(dest), { recursive: true });
        fd = openSync(dest, 'w');
        written.push(dest);
      }
    }
  };

  const endMember = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
    if (meta) {
      const text = Buffer.concat(meta).toString('utf8');
      if (metaKind === 'L') nextPath = text.replace(/\0+$/, '');
      else {
        const m = /\d+ path=([^\n]*)\n/.exec(text);
        if (m?.[1]) nextPath = m[1];
      }
      meta = null;
    }
  };

  const consume = (chunk: Buffer): void => {
    let off = 0;
    while (off < chunk.length) {
      if (remaining > 0) {
        const n = Math.min(remaining, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        if (fd !== null) writeSync(fd, part);
        else if (meta) meta.push(Buffer.from(part));
        remaining -= n;
        off += n;
        if (remaining === 0) endMember();
        continue;
      }
      if (padding > 0) {
        const n = Math.min(padding, chunk.length - off);
        padding -= n;
        off += n;
        continue;
      }
      const need = BLOCK - header.length;
      const n = Math.min(need, chunk.length - off);
      header = Buffer.concat([header, chunk.subarray(off, off + n)]);
      off += n;
      if (header.length < BLOCK) continue;
      const h = header;
      header = Buffer.alloc(0);
      if (h.every((b) => b === 0)) continue; // end-of-archive blocks
      startMember(h);
      if (remaining === 0) endMember();
    }
  };

  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      try {
        consume(chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    final(done) {
      if (fd !== null) closeSync(fd);
      done(remaining > 0 ? new Error('tar archive ended in the middle of a member') : null);
    },
    destroy(err, done) {
      if (fd !== null) closeSync(fd);
      fd = null;
      done(err);
    },
  });
  return Object.assign(w, { written });
}

function cstr(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
}

function parseOctal(b: Buffer): number {
  // GNU base-256 for members over 8 GiB never occurs in an sdist; octal is enough.
  const s = cstr(b).trim();
  return s ? parseInt(s, 8) : 0;
}
