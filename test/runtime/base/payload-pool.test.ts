import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PayloadPool, receivedSharedMemory } from '../../../runtime/base/index.js';
import { collectGarbage } from '../../support/gc.js';
import { until } from '../../support/gate.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Fills `view` with bytes derived from `seed`, and checks them. */
const fill = (view: Uint8Array, seed: number): void => {
  for (let i = 0; i < view.length; i++) view[i] = (seed * 31 + i) & 0xff;
};
const intact = (view: Uint8Array, seed: number): boolean => view.every((b, i) => b === ((seed * 31 + i) & 0xff));

/** Collects until the pool has had memory back (finalization callbacks run a task after the collection). */
async function collectedInto(pool: PayloadPool, what: (s: ReturnType<PayloadPool['stats']>) => boolean): Promise<void> {
  await until('the pool has memory back', async () => (await collectGarbage(), pool.stats()), what);
}

test('payloads are exactly as long as asked, 8-byte aligned, small ones cut from shared slabs', () => {
  const pool = new PayloadPool(8 * MiB);
  const small = [pool.take(3), pool.take(100), pool.take(64 * KiB)];
  for (const v of small) assert.is(v.byteOffset % 8, 0);
  assert.equal(small.map((v) => v.byteLength), [3, 100, 64 * KiB]);
  assert.ok(small[0]!.buffer === small[1]!.buffer, 'small payloads share a slab');
  assert.is(small[1]!.byteOffset, 8, 'cut at the next aligned offset');
  const large = pool.take(300 * KiB);
  assert.is(large.byteOffset, 0);
  assert.is(large.byteLength, 300 * KiB);
  assert.ok(large.buffer !== small[0]!.buffer);
});

test('memory comes back only once nothing refers to it, and is then handed out again', async () => {
  const pool = new PayloadPool(8 * MiB);
  let dropped: Uint8Array | undefined = pool.take(200 * KiB);
  const kept = pool.take(200 * KiB);
  fill(kept, 7);
  dropped = undefined;
  assert.is(dropped, undefined);
  await collectedInto(pool, (s) => s.freeBytes > 0);
  const again = pool.take(200 * KiB);
  fill(again, 9);
  assert.is(pool.stats().reused, 1);
  assert.is(pool.stats().created, 2);
  assert.ok(intact(kept, 7), 'the payload still referenced kept its bytes');
});

test('payloads held across many hand-outs never change, while dropped ones are reused', async () => {
  const pool = new PayloadPool(4 * MiB);
  const held: { view: Uint8Array; seed: number }[] = [];
  let seed = 0;
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < 24; i++) {
      const size = i % 3 === 0 ? 700 : 90 * KiB + (i % 5) * 4 * KiB; // small (cut) and slab-sized
      const view = pool.take(size);
      fill(view, ++seed);
      if (seed % 4 === 0) held.push({ view, seed });
    }
    await collectGarbage();
  }
  const s = pool.stats();
  assert.ok(s.reused > 20, `dropped memory was reused (${JSON.stringify(s)})`);
  assert.ok(s.pooledBytes <= 4 * MiB);
  assert.ok(s.unpooled > 0, 'payloads got ordinary memory once the pool was spent by held ones');
  for (const h of held) assert.ok(intact(h.view, h.seed), `held payload ${h.seed} is unchanged`);
});

test('a spent pool has V8 collect, with no gc() called, and gets dropped memory back', async () => {
  const pool = new PayloadPool(4 * MiB);
  let taken = 0;
  while (pool.stats().reused < 100 && taken < 10_000) {
    fill(pool.take(250 * KiB), taken++); // dropped at once, as a consumer that only counts rows does
    await new Promise((resolve) => setImmediate(resolve)); // finalization callbacks run between tasks
  }
  const s = pool.stats();
  assert.ok(s.reused >= 100, `pooled memory came back and was reused (${JSON.stringify(s)})`);
  assert.ok(s.nudges > 0 && s.nudges < taken / 4, `the pool asked for a collection now and then (${JSON.stringify(s)}, ${taken} taken)`);
});

test('a consumer keeping everything costs a collection per 64 MiB given out past the pool, not one per payload', () => {
  const pool = new PayloadPool(1 * MiB);
  const kept = Array.from({ length: 200 }, () => pool.take(1 * MiB)); // 200 MiB, all kept
  assert.is(kept.length, 200);
  const s = pool.stats();
  assert.ok(s.nudges >= 1 && s.nudges <= 4, `nudges: ${s.nudges}`);
});

test('a spent pool gives a large payload shared memory of its own (never pooled), a small one ordinary memory', () => {
  const pool = new PayloadPool(1 * MiB);
  const kept = pool.take(1 * MiB);
  const large = pool.take(200 * KiB);
  assert.ok(large.buffer instanceof SharedArrayBuffer, 'not memory V8 counts toward a collection');
  assert.not.ok(pool.owns(large.buffer), 'never handed out again');
  assert.equal([large.byteOffset, large.byteLength], [0, 200 * KiB]);
  const small = pool.take(100);
  assert.not.ok(small.buffer instanceof SharedArrayBuffer);
  assert.is(pool.stats().unpooled, 2);
  assert.is(kept.byteLength, 1 * MiB);
});

test('a free slab up to half as large again serves a payload before a new slab is made', async () => {
  const pool = new PayloadPool(8 * MiB);
  let dropped: Uint8Array | undefined = pool.take(1.9 * MiB); // a 2 MiB slab
  dropped = undefined;
  assert.is(dropped, undefined);
  await collectedInto(pool, (s) => s.freeBytes === 2 * MiB);
  pool.take(1.7 * MiB); // a 1.75 MiB class: the 2 MiB slab serves it
  assert.equal([pool.stats().reused, pool.stats().created], [1, 1]);
  pool.take(1 * MiB); // none free within 1.5x: a slab of its own
  assert.equal([pool.stats().reused, pool.stats().created], [1, 2]);
});

test('the pool holds 16 MiB, more while streams allow it, up to its ceiling', () => {
  const pool = new PayloadPool(64 * MiB);
  const keep: Uint8Array[] = [];
  const takeMiB = (n: number): void => {
    for (let i = 0; i < n; i++) keep.push(pool.take(1 * MiB));
  };
  takeMiB(20);
  assert.is(pool.stats().pooledBytes, 16 * MiB, 'no stream running: 16 MiB');
  const giveBack = pool.allow(24 * MiB);
  takeMiB(30);
  assert.is(pool.stats().pooledBytes, 40 * MiB, 'with a stream allowing 24 MiB more');
  const other = pool.allow(1024 * MiB);
  takeMiB(40);
  assert.is(pool.stats().pooledBytes, 64 * MiB, 'never past the ceiling');
  giveBack();
  giveBack();
  other();
  assert.is(pool.stats().pooledBytes, 64 * MiB, 'memory in use stays counted; only free slabs are let go');
  assert.is(keep.length, 90);
});

test('an allowance given back shrinks the pool, also by slabs that were in use then', async () => {
  const pool = new PayloadPool(64 * MiB);
  const giveBack = pool.allow(32 * MiB);
  let inUse: Uint8Array[] = Array.from({ length: 50 }, () => pool.take(1 * MiB));
  assert.is(pool.stats().pooledBytes, 48 * MiB);
  giveBack();
  inUse = [];
  assert.is(inUse.length, 0);
  await collectedInto(pool, (s) => s.pooledBytes <= 16 * MiB);
});

test('a thread given shared memory asks for a collection every 64 MiB', () => {
  assert.ok(receivedSharedMemory(64 * MiB), 'asked once 64 MiB came');
  assert.not.ok(receivedSharedMemory(1 * MiB), 'and counts afresh from there');
});

test('forgotten memory (lent to another thread) is never reused, and leaves the pool once collected here', async () => {
  const pool = new PayloadPool(8 * MiB);
  let lent: Uint8Array | undefined = pool.take(200 * KiB);
  assert.ok(pool.owns(lent.buffer));
  assert.ok(pool.forget(lent.buffer));
  assert.is(pool.stats().pooledBytes, 256 * KiB, 'still counted while this thread refers to it');
  lent = undefined;
  assert.is(lent, undefined);
  let other: Uint8Array | undefined = pool.take(200 * KiB);
  other = undefined;
  assert.is(other, undefined);
  await collectedInto(pool, (s) => s.freeBytes > 0 && s.pooledBytes === 256 * KiB);
  pool.take(200 * KiB);
  pool.take(200 * KiB);
  assert.is(pool.stats().reused, 1, 'only the memory never lent came back');
  assert.not.ok(pool.forget(new ArrayBuffer(8)), 'memory of its own is not the pool’s');
});

test.run();
