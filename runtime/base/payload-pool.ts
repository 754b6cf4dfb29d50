import { Buffer } from 'node:buffer';
import { InvalidArgumentError } from './errors.js';

/**
 * Memory for incoming wire payloads, reused once nothing refers to it any more.
 *
 * Why: a fresh ArrayBuffer per frame is external memory V8 counts toward its next full
 * collection, so ingesting a GB meant dozens of full collections that freed nothing but
 * the frames themselves. Pooled memory is allocated once.
 *
 * How a batch a user still holds is kept safe: the pool's memory is SharedArrayBuffers, and
 * every hand-out is a fresh wrapper object (`structuredClone` of a SharedArrayBuffer shares
 * its memory under a new object). Every view over the payload, and every Arrow vector
 * decoded from it, refers to that wrapper. The memory goes back to the pool only when V8
 * has collected the wrapper, reported by a FinalizationRegistry; no other signal is trusted.
 * SharedArrayBuffer memory is not counted as external memory by V8, so the pool itself
 * never provokes a collection.
 *
 * V8 clears finalization targets only in full collections, and a pool V8 does not count never
 * makes it run one. So when the pool is spent, it asks for one the only way JavaScript can:
 * it allocates a large ArrayBuffer and drops it at once. The buffer's pages are never touched
 * (no RSS), but V8 counts its bytes as external memory and starts a collection within
 * milliseconds, which returns every slab nobody refers to any more. Until then payloads get
 * memory of their own, freed when unreferenced. The pool's size sets how many bytes flow
 * between full collections: a stream's staged epoch and the one its consumer is reading should
 * fit. It may hold 16 MiB plus what the running streams may buffer (their `maxBufferedBytes`,
 * see {@link PayloadPool.allow}), so that memory stays within what a user budgeted; at most
 * 256 MiB by default (at 128 MiB, 93 MB epochs missed the pool a third of the time and cost
 * 0.2-0.5 s more Node CPU per GB), `DRLS_PAYLOAD_POOL_MIB` to change that ceiling (0 turns
 * pooling off).
 */

const SMALL_MAX = 64 * 1024; // payloads up to this size are cut from a shared slab
const CARVE_SLAB = 1024 * 1024;
const ALIGN = 8; // Arrow reads its buffers zero-copy only when they are 8-byte aligned
const GRANULE = 64 * 1024;
const DEFAULT_MAX_POOLED_BYTES = 256 * 1024 * 1024;
const BASE_POOLED_BYTES = 16 * 1024 * 1024; // what the pool may hold with no stream's allowance
const NUDGE_BYTES = 64 * 1024 * 1024; // what V8 answers with a collection (its external-memory step)

interface Slab {
  readonly memory: SharedArrayBuffer; // the pool's own wrapper: never handed out
  readonly size: number;
  pooled: boolean; // false once evicted from the free list
  lent: boolean; // shared with another thread: leaves the pool when this thread lets go
}

/** Counters of what the pool did, for tests and benchmarks. */
export interface PayloadPoolStats {
  /** Bytes of slabs the pool owns, in use or free. */
  readonly pooledBytes: number;
  /** Bytes of slabs ready for reuse. */
  readonly freeBytes: number;
  /** Slabs handed out again after V8 collected every reference to them. */
  readonly reused: number;
  /** Slabs allocated. */
  readonly created: number;
  /** Payloads given memory of their own because the pool was spent. */
  readonly unpooled: number;
  /** Times the pool asked V8 for a collection. */
  readonly nudges: number;
}

/** The size class of a slab that holds `length` bytes: quarter steps between powers of two. */
function slabSize(length: number): number {
  const n = Math.max(length, GRANULE);
  const pow = 2 ** Math.floor(Math.log2(n));
  const step = Math.max(pow / 4, GRANULE);
  return Math.ceil(n / step) * step;
}

export class PayloadPool {
  readonly #maxPooledBytes: number;
  readonly #free = new Map<number, Slab[]>();
  readonly #slabOf = new WeakMap<ArrayBufferLike, Slab>();
  readonly #registry = new FinalizationRegistry<Slab>((slab) => this.#returned(slab));
  #pooledBytes = 0;
  #allowed = BASE_POOLED_BYTES;
  #freeBytes = 0;
  #reused = 0;
  #created = 0;
  #unpooled = 0;
  #nudges = 0;
  // A collection was asked for and has returned nothing yet; counted bytes given out since.
  #awaitingCollection = false;
  #unpooledSinceNudge = 0;
  // The slab small payloads are being cut from, and how far.
  #carve: { slab: Slab; wrapper: SharedArrayBuffer; used: number } | undefined;

  constructor(maxPooledBytes = DEFAULT_MAX_POOLED_BYTES) {
    this.#maxPooledBytes = maxPooledBytes;
  }

  /**
   * `length` bytes at an 8-byte aligned offset, for the caller to fill entirely before anyone
   * reads them: the contents are whatever the memory last held.
   */
  take(length: number): Uint8Array {
    if (length <= SMALL_MAX) return this.#cut(length);
    const slab = this.#slab(slabSize(length));
    if (!slab) return this.#unpooledPayload(length);
    return new Uint8Array(this.#handOut(slab), 0, length);
  }

  /**
   * The memory behind `buffer` is leaving this thread (shared with a worker), where the pool
   * cannot see who holds it: it is never reused. It still counts against the pool's size until
   * this thread's references are collected, so memory lent away cannot grow without bound
   * between collections. Returns whether it was pool memory.
   */
  forget(buffer: ArrayBufferLike): boolean {
    const slab = this.#slabOf.get(buffer);
    if (!slab) return false;
    slab.lent = true;
    if (this.#carve?.slab === slab) this.#carve = undefined;
    return true;
  }

  /**
   * Lets the pool hold `bytes` more (a stream's `maxBufferedBytes`, while it runs), up to its
   * ceiling. Returns the function that takes the allowance back.
   */
  allow(bytes: number): () => void {
    this.#allowed += bytes;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#allowed -= bytes;
      this.#evictFree(this.#pooledBytes - this.#cap());
    };
  }

  #cap(): number {
    return Math.min(this.#maxPooledBytes, this.#allowed);
  }

  /** Whether `buffer` is memory this pool handed out. */
  owns(buffer: ArrayBufferLike): boolean {
    return this.#slabOf.has(buffer);
  }

  stats(): PayloadPoolStats {
    return { pooledBytes: this.#pooledBytes, freeBytes: this.#freeBytes, reused: this.#reused, created: this.#created, unpooled: this.#unpooled, nudges: this.#nudges };
  }

  #cut(length: number): Uint8Array {
    let carve = this.#carve;
    if (!carve || carve.used + length > carve.slab.size) {
      const slab = this.#slab(CARVE_SLAB);
      if (!slab) {
        this.#carve = undefined;
        return this.#unpooledPayload(length);
      }
      carve = this.#carve = { slab, wrapper: this.#handOut(slab), used: 0 };
    }
    const view = new Uint8Array(carve.wrapper, carve.used, length);
    carve.used += Math.ceil(length / ALIGN) * ALIGN;
    return view;
  }

  /** A new wrapper over `slab`'s memory, whose collection returns the slab. */
  #handOut(slab: Slab): SharedArrayBuffer {
    const wrapper = structuredClone(slab.memory);
    this.#slabOf.set(wrapper, slab);
    this.#registry.register(wrapper, slab, slab);
    return wrapper;
  }

  /** A free slab of `size`, or a new one while the pool has room; undefined when spent. */
  #slab(size: number): Slab | undefined {
    return this.#freeSlab(size) ?? this.#newSlab(size);
  }

  /**
   * A free slab of `size`, else of the smallest larger class up to half as large again: one
   * stream's payload sizes straddle a class boundary, and a slab of the class next door beats
   * dropping it and allocating another.
   */
  #freeSlab(size: number): Slab | undefined {
    let best: number | undefined;
    for (const [s, list] of this.#free) {
      if (list.length > 0 && s >= size && s <= size * 1.5 && (best === undefined || s < best)) best = s;
    }
    if (best === undefined) return undefined;
    this.#freeBytes -= best;
    this.#reused++;
    return this.#free.get(best)!.pop();
  }

  #newSlab(size: number): Slab | undefined {
    const cap = this.#cap();
    if (this.#pooledBytes + size > cap) this.#evictFree(this.#pooledBytes + size - cap);
    if (this.#pooledBytes + size > cap) return undefined;
    const slab: Slab = { memory: new SharedArrayBuffer(size), size, pooled: true, lent: false };
    this.#slabOf.set(slab.memory, slab);
    this.#pooledBytes += size;
    this.#created++;
    return slab;
  }

  /** Drops free slabs of other sizes until `bytes` are released (payload sizes drift). */
  #evictFree(bytes: number): void {
    if (bytes <= 0) return;
    for (const [size, list] of this.#free) {
      while (bytes > 0 && list.length > 0) {
        this.#drop(list.pop()!);
        this.#freeBytes -= size;
        bytes -= size;
      }
      if (list.length === 0) this.#free.delete(size);
      if (bytes <= 0) return;
    }
  }

  /**
   * Memory of its own, at offset 0, for a payload the spent pool cannot hold; freed once
   * unreferenced, never pooled. A large one is shared memory too, which V8 does not count:
   * counted, the third of a busy stream's payloads that came here made V8 start collections of
   * its own besides the pool's, which already asks for one per 64 MiB given out here. A small
   * one (or any, with pooling off) is ordinary memory, not zero-filled, as the caller fills it.
   */
  #unpooledPayload(length: number): Uint8Array {
    this.#unpooled++;
    this.#nudge(length);
    if (length > SMALL_MAX && this.#maxPooledBytes > 0) return new Uint8Array(new SharedArrayBuffer(length));
    const b = Buffer.allocUnsafeSlow(length);
    return new Uint8Array(b.buffer, b.byteOffset, length);
  }

  /**
   * Asks V8 for a full collection, once per spell of a spent pool: again only after slabs came
   * back, or after as many counted bytes as the nudge itself (V8 would collect by then anyway).
   * A consumer that keeps every batch therefore costs a collection per 64 MiB, as before.
   */
  #nudge(bytes: number): void {
    if (this.#maxPooledBytes === 0) return;
    this.#unpooledSinceNudge += bytes;
    if (this.#awaitingCollection && this.#unpooledSinceNudge < NUDGE_BYTES) return;
    this.#awaitingCollection = true;
    this.#unpooledSinceNudge = 0;
    this.#nudges++;
    askForCollection();
  }

  /** The slab leaves the pool: it is never handed out again, and is freed once unreferenced. */
  #drop(slab: Slab): void {
    slab.pooled = false;
    this.#pooledBytes -= slab.size;
  }

  #returned(slab: Slab): void {
    this.#awaitingCollection = false;
    if (!slab.pooled) return;
    // Lent to another thread, or a stream's allowance went back while it was in use (the pool
    // shrinks to its cap): it is not reused.
    if (slab.lent || this.#pooledBytes > this.#cap()) return this.#drop(slab);
    let list = this.#free.get(slab.size);
    if (!list) this.#free.set(slab.size, (list = []));
    list.push(slab);
    this.#freeBytes += slab.size;
  }
}

/**
 * For a thread that was given pool memory (a worker a batch was moved to): V8 counts none of it,
 * so this thread would never collect the wrappers it dropped, and the memory behind them would
 * stay. Asks this thread's V8 for a collection every 64 MiB received. Returns whether it asked.
 */
let sharedSinceNudge = 0;
export function receivedSharedMemory(bytes: number): boolean {
  sharedSinceNudge += bytes;
  if (sharedSinceNudge < NUDGE_BYTES) return false;
  sharedSinceNudge = 0;
  askForCollection();
  return true;
}

/**
 * The one way JavaScript can ask V8 for a full collection: a large ArrayBuffer, never touched
 * (no RSS) and dropped at once, whose bytes V8 counts as external memory.
 */
function askForCollection(): void {
  void new ArrayBuffer(NUDGE_BYTES);
}

/** The process's pool for wire payloads: one, like Node's own Buffer pool. */
export const payloadPool = new PayloadPool(poolBytesFromEnv(process.env['DRLS_PAYLOAD_POOL_MIB']));

/** `DRLS_PAYLOAD_POOL_MIB`, checked where it is read: a whole number of MiB, 0 for none. */
function poolBytesFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const mib = Number(value);
  if (!Number.isInteger(mib) || mib < 0) {
    throw new InvalidArgumentError(`DRLS_PAYLOAD_POOL_MIB must be a whole number of MiB >= 0 (0 turns pooling off); got ${JSON.stringify(value)}`);
  }
  return mib * 1024 * 1024;
}
