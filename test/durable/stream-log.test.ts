// The stream log on its own (no Spark): the atomic manifest, recovery after a crash (a torn
// record at a segment's tail, half-staged attempts), the fsync policies, the directory lock,
// and the forward sink's spill and replay over it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFile, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { ActorRuntime } from '../../runtime/index.js';
import { createCoordinator } from '../../actors/stream-coordinator.js';
import { storedOf } from '../../actors/stream-coordinator-protocol.js';
import type { DrlsError } from '../../runtime/base/index.js';
import { CoordinatorSink } from '../../bridge/streaming/coordinator-sink.js';
import { ForwardLog } from '../../bridge/streaming/stream-log/forward-log.js';
import { ReverseLog } from '../../bridge/streaming/stream-log/reverse-log.js';
import { checkLogOptions, type FsyncPolicy } from '../../bridge/streaming/stream-log/log-options.js';
import { readManifest, writeManifest } from '../../bridge/streaming/stream-log/manifest-file.js';
import { intBatch, xs } from '../support/arrow.js';
import { scratchDir } from '../support/scratch.js';

const test = suite<{ rt: ActorRuntime }>('stream log (Node only)');
test.before.each((ctx) => {
  ctx.rt = new ActorRuntime();
});
test.after.each((ctx) => ctx.rt.shutdown());

const ipc = (values: number[]): Uint8Array => tableToIPC(new Table([intBatch(values)]), 'stream');
const values = (payload: Uint8Array): number[] => xs(tableFromIPC(payload).batches);

/**
 * What reaches the disk while `run` runs, in order: 'w' for a record written (writev), 's' for an
 * fsync or fdatasync of a file or directory (FileHandle's own methods, spied on).
 */
async function diskEvents(dir: string, run: () => Promise<void>): Promise<string> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as Record<'sync' | 'datasync' | 'writev', (...args: unknown[]) => Promise<unknown>>;
  await probe.close();
  const originals = { sync: proto.sync, datasync: proto.datasync, writev: proto.writev };
  let events = '';
  for (const [name, mark] of [['sync', 's'], ['datasync', 's'], ['writev', 'w']] as const) {
    const original = originals[name];
    proto[name] = async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      events += mark;
      return result;
    };
  }
  try {
    await run();
  } finally {
    Object.assign(proto, originals);
  }
  return events;
}

test('options.log is checked at the edge, naming the option', () => {
  assert.is(checkLogOptions(undefined), undefined);
  assert.equal(checkLogOptions({ dir: '/x' }), { dir: '/x', fsync: 'epoch' });
  assert.throws(() => checkLogOptions('x'), /options\.log must be an object/);
  assert.throws(() => checkLogOptions({}), /options\.log\.dir must be a non-empty string/);
  assert.throws(() => checkLogOptions({ dir: '/x', fsync: 'sometimes' }), /options\.log\.fsync must be one of 'always', 'epoch', 'never', got "sometimes"/);
});

test('the manifest is replaced whole: a crash mid-write leaves the old one, and its temporary file is dropped', async () => {
  const dir = await scratchDir('drls-manifest-');
  await writeManifest(dir, { n: 1 }, true);
  // A crash after the temporary file was begun, before the rename.
  await writeFile(join(dir, 'manifest.json.tmp'), '{"n": 2, "trunc');
  assert.equal(await readManifest(dir, 's'), { n: 1 });
  assert.not.ok((await readdir(dir)).includes('manifest.json.tmp'));
  await writeManifest(dir, { n: 3 }, false);
  assert.equal(await readManifest(dir, 's'), { n: 3 });
});

test('forward: committed epochs survive a reopen; half-staged attempts and torn tails are dropped; acknowledged epochs go', async () => {
  const dir = await scratchDir('drls-flog-');
  const log = await ForwardLog.open({ dir, fsync: 'epoch' }, 's');
  const a = log.writer(0, 0, 11);
  await a.append(ipc([1, 2]), 2);
  await a.append(ipc([3]), 1);
  const b = log.writer(0, 1, 12);
  await b.append(ipc([4]), 1);
  await log.commitEpoch(0, [{ partition: 0, writer: a }, { partition: 1, writer: b }]);
  const c = log.writer(1, 0, 13);
  await c.append(ipc([5]), 1);
  await log.commitEpoch(1, [{ partition: 0, writer: c }]);
  // A crash while epoch 2 was staged, and a late write past epoch 1's committed length.
  const half = log.writer(2, 0, 14);
  await half.append(ipc([6]), 1);
  await half.close();
  await appendFile(c.path, Uint8Array.from([1, 2, 3]));
  await log.close();

  const again = await ForwardLog.open({ dir, fsync: 'epoch' }, 's');
  assert.is(again.ledger.lastCommitted, 1);
  assert.equal(again.pending.map((e) => e.epoch), [0, 1]);
  assert.not.ok((await readdir(dir)).some((f) => f.startsWith('f-2-')), 'the half-staged attempt is gone');
  assert.is((await stat(c.path)).size, c.bytes, "the torn tail past epoch 1's data is cut off");
  const entries = await again.entries(again.pending[0]!);
  const read: number[][] = [];
  for (const e of entries) {
    for await (const p of storedOf(e)!.payloads()) read.push(values(p));
  }
  assert.equal(read, [[1, 2], [3], [4]]);
  await again.acknowledge(0);
  assert.not.ok((await readdir(dir)).some((f) => f.startsWith('f-0-')), "epoch 0's files are removed");
  await again.close();

  const third = await ForwardLog.open({ dir, fsync: 'never' }, 's');
  assert.equal(third.pending.map((e) => e.epoch), [1]);
  assert.is(third.acknowledgedEpoch, 0);
  await third.close();
});

test('forward: a segment shorter than its manifest says is a loud failure, never a silent gap', async () => {
  const dir = await scratchDir('drls-flog-lost-');
  const log = await ForwardLog.open({ dir, fsync: 'never' }, 's');
  const a = log.writer(0, 0, 1);
  await a.append(ipc([1]), 1);
  await log.commitEpoch(0, [{ partition: 0, writer: a }]);
  await log.close();
  await writeFile(a.path, new Uint8Array(8)); // what a machine crash can do to data never fsynced
  const err = await ForwardLog.open({ dir, fsync: 'never' }, 's').then(() => null, (e: DrlsError) => e);
  assert.is(err?.code, 'DRLS_STREAM_FAILED');
  assert.match(err!.message, 'lost data');
});

test('reverse: positions survive a reopen; a torn record at the tail is detected, cut off, and its position reused', async () => {
  const dir = await scratchDir('drls-rlog-');
  const log = await ReverseLog.open({ dir, fsync: 'epoch' }, 's');
  for (let i = 0; i < 3; i++) assert.is(await log.append(ipc([i]), 1), i);
  await log.sync();
  await log.close();
  const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
  const path = join(dir, segment!);
  const whole = (await stat(path)).size;
  // A crash mid-write: a whole header, then only part of the payload.
  const torn = await readFile(path);
  await appendFile(path, torn.subarray(0, 24 + 10));

  const again = await ReverseLog.open({ dir, fsync: 'epoch' }, 's');
  assert.is(again.lastPosition, 2);
  assert.equal(again.pendingPositions(), [0, 1, 2]);
  assert.is((await stat(path)).size, whole, 'the torn record is cut off');
  const read: number[] = [];
  for (const p of again.pendingPositions()) for await (const payload of again.entry(p, again.schema!).payloads()) read.push(...values(payload));
  assert.equal(read, [0, 1, 2]);
  assert.is(await again.append(ipc([3]), 1), 3);
  await again.acknowledge(1);
  await again.close();

  // A whole header in front of a payload that never reached the disk (zeros): its CRC gives it away.
  const [, second] = (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();
  const secondPath = join(dir, second!);
  const bytes = await readFile(secondPath);
  bytes.fill(0, 24, bytes.length);
  await writeFile(secondPath, bytes);
  const third = await ReverseLog.open({ dir, fsync: 'epoch' }, 's');
  assert.is(third.firstPosition, 2);
  assert.equal(third.pendingPositions(), [2], 'position 3 was torn: dropped');
  await third.close();
});

test('fsync policies: always syncs each record before it is acknowledged, epoch the whole epoch before its commit, never nothing', async () => {
  const events: Record<FsyncPolicy, string> = { always: '', epoch: '', never: '' };
  for (const fsync of ['always', 'epoch', 'never'] as const) {
    const dir = await scratchDir(`drls-fsync-${fsync}-`);
    const log = await ForwardLog.open({ dir, fsync }, 's');
    events[fsync] = await diskEvents(dir, async () => {
      const w = log.writer(0, 0, 1);
      for (let i = 0; i < 4; i++) await w.append(ipc([i]), 1, log.syncEachRecord);
      await log.commitEpoch(0, [{ partition: 0, writer: w }]);
    });
    await log.close();
  }
  // always: each record synced as it is written; then the directory, the manifest and its directory.
  assert.is(events.always, 'wswswsws' + 'sss');
  // epoch: syncs may start in the background while records arrive, but the last record is synced
  // before the commit's directory and manifest syncs; never more than one per record.
  assert.match(events.epoch, /^[ws]*ws+$/);
  assert.is(events.epoch.replace(/s/g, ''), 'wwww');
  const syncs = events.epoch.length - 4;
  assert.ok(syncs >= 4 && syncs <= 4 + 3, `epoch: ${events.epoch}`);
  assert.is(events.never, 'wwww');

  const dir = await scratchDir('drls-fsync-reverse-');
  const rlog = await ReverseLog.open({ dir, fsync: 'epoch' }, 's');
  const reverse = await diskEvents(dir, async () => {
    for (let i = 0; i < 5; i++) await rlog.append(ipc([i]), 1);
    await rlog.sync(); // Spark asks for `latest`: the five are on disk before it is answered
  });
  assert.match(reverse, /^[ws]*ws+$/, `reverse: ${reverse}`);
  assert.is(await diskEvents(dir, () => rlog.sync()), '', 'nothing new: no fsync');
  await rlog.close();
});

test('one stream per log directory: a second open is refused; a dead owner’s lock is taken over', async () => {
  const dir = await scratchDir('drls-lock-');
  const log = await ForwardLog.open({ dir, fsync: 'never' }, 's');
  const err = await ForwardLog.open({ dir, fsync: 'never' }, 's').then(() => null, (e: DrlsError) => e);
  assert.is(err?.code, 'DRLS_INVALID_ARGUMENT');
  assert.match(err!.message, 'already open in this process');
  const wrongKind = await log.close().then(() => ReverseLog.open({ dir, fsync: 'never' }, 's')).then(() => null, (e: DrlsError) => e);
  assert.match(wrongKind?.message ?? '', 'not of a Node-to-Spark one');
  await writeFile(join(dir, 'lock'), '999999999'); // a process that is gone
  await (await ForwardLog.open({ dir, fsync: 'never' }, 's')).close();
});

test('an epoch larger than maxBufferedBytes spills to disk: memory stays within the limit, consumers read it a payload at a time', async ({ rt }) => {
  let sink: CoordinatorSink | undefined;
  const c = createCoordinator({ runtime: rt, maxBufferedBytes: 4096 }, { onAcknowledged: (through) => sink?.acknowledged(through) });
  sink = new CoordinatorSink(c);
  const it = c.iterator();
  let peakReserved = 0;
  for (let i = 0; i < 40; i++) {
    await sink.stage(0, i % 2, 7 + (i % 2), ipc(Array.from({ length: 100 }, (_, j) => i * 100 + j)));
    peakReserved = Math.max(peakReserved, (await c.getStats()).reservedBytes);
  }
  assert.ok(peakReserved <= 4096, `staging held at most the limit in memory (${peakReserved})`);
  await sink.commitEpoch(0, [
    { partition: 0, attempt: 7, rows: 2000, batches: 20 },
    { partition: 1, attempt: 8, rows: 2000, batches: 20 },
  ]);
  const stats = await c.getStats();
  assert.is(stats.storedBatches, 1);
  assert.is(stats.reservedBytes, 0);
  await c.complete();
  const seen: number[] = [];
  for await (const entry of it.entries()) {
    assert.is(entry.epoch, 0);
    seen.push(...xs([entry.batch]));
  }
  assert.equal(seen.sort((a, b) => a - b), Array.from({ length: 4000 }, (_, i) => i));
  await sink.close();
});

test('forward with a log: what consumers did not acknowledge is delivered again, with its epoch id, to the next stream on the log', async ({ rt }) => {
  const dir = await scratchDir('drls-flog-replay-');
  const run = async (streamId: string, take: number): Promise<{ epochs: (number | null)[]; values: number[] }> => {
    const log = await ForwardLog.open({ dir, fsync: 'never' }, streamId);
    let sink: CoordinatorSink | undefined;
    const c = createCoordinator({ runtime: rt, streamId }, { onAcknowledged: (through) => sink?.acknowledged(through) });
    sink = new CoordinatorSink(c, undefined, { log });
    const { admitted } = await sink.replayLog();
    const it = c.iterator();
    for (let epoch = log.ledger.lastCommitted + 1; epoch < 3; epoch++) {
      await sink.stage(epoch, 0, 1, ipc([epoch * 10, epoch * 10 + 1]));
      await sink.commitEpoch(epoch, [{ partition: 0, attempt: 1, rows: 2, batches: 1 }]);
    }
    await admitted;
    const out = { epochs: [] as (number | null)[], values: [] as number[] };
    let n = 0;
    for await (const entry of it.entries()) {
      out.epochs.push(entry.epoch);
      out.values.push(...xs([entry.batch]));
      if (++n === take) break; // the micro-batch it breaks in is not acknowledged
    }
    c.stop();
    await sink.close();
    await log.close();
    return out;
  };
  // Takes epochs 0 and 1, breaks in 1: only epoch 0 is acknowledged.
  assert.equal(await run('a', 2), { epochs: [0, 1], values: [0, 1, 10, 11] });
  // Spark's epochs 0-2 are in the ledger: none is staged again; 1 and 2 come from the log.
  assert.equal(await run('b', 2), { epochs: [1, 2], values: [10, 11, 20, 21] });
});

test.run();
