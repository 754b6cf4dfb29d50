import { Data, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, makeVector, type DataType } from 'apache-arrow';
import { Buffer } from 'node:buffer';
import { payloadPool, receivedSharedMemory, schemaSignature } from '../runtime/base/index.js';

/**
 * Moving Arrow record batches to a worker thread without copying their bytes: the batch's
 * structure travels as a small description, its buffers in the transfer list, and the
 * worker rebuilds the same Data tree over the moved memory. The sender's buffers are
 * detached afterwards, except shared memory (a large wire payload from the payload pool),
 * which both threads then see and neither changes.
 */

type TypedArrayName =
  | 'Int8Array' | 'Uint8Array' | 'Uint8ClampedArray' | 'Int16Array' | 'Uint16Array' | 'Int32Array'
  | 'Uint32Array' | 'Float32Array' | 'Float64Array' | 'BigInt64Array' | 'BigUint64Array';

interface BufferRef {
  readonly buffer: number; // index into BatchPacket.buffers
  readonly byteOffset: number;
  readonly length: number;
  readonly kind: TypedArrayName;
}

interface DataPacket {
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly buffers: readonly (BufferRef | null)[]; // [valueOffsets, values, nullBitmap, typeIds]
  readonly variadic: readonly BufferRef[];
  readonly children: readonly DataPacket[];
  readonly dictionary: readonly DataPacket[] | null;
}

export interface BatchPacket {
  /**
   * Arrow IPC bytes of the schema alone, base64 (small; decoded once per worker). A string,
   * not bytes: a cloned Uint8Array makes the receiving thread allocate a new ArrayBuffer,
   * and V8 answers that allocation with a young-generation GC whenever large moved buffers
   * are still young, which made a moved 16 MiB hand-off cost ~1 ms instead of ~0.1 ms.
   */
  readonly schema: string;
  readonly schemaKey: string;
  readonly batches: readonly DataPacket[];
  readonly buffers: readonly ArrayBufferLike[];
}

export type TransferMode = 'move' | 'copy';
export const TRANSFER_MODES: readonly TransferMode[] = ['move', 'copy'];

// A batch must cover at least this share of an ArrayBuffer for it to be moved: moving a
// buffer that other data lives in (Node's 8 KiB Buffer pool, an IPC frame holding several
// batches) would detach that data too. Such bytes are copied instead.
const OWNED_SHARE = 0.9;
const isShared = (b: ArrayBufferLike): boolean => typeof SharedArrayBuffer !== 'undefined' && b instanceof SharedArrayBuffer;

// A pooled slab holding one payload is at least half used by it (slab sizes step by quarters).
const POOLED_SHARE = 0.5;

// Schemas are encoded once per distinct schema, not per Schema object: batches decoded from
// separate IPC frames carry equal schemas in different objects, and encoding one costs
// more than moving a large batch.
const encodedSchemas = new Map<string, { bytes: string; key: string }>();
const MAX_CACHED_SCHEMAS = 256;

function encodeSchema(schema: Schema): { bytes: string; key: string } {
  const sig = schemaSignature(schema);
  let encoded = encodedSchemas.get(sig);
  if (!encoded) {
    if (encodedSchemas.size >= MAX_CACHED_SCHEMAS) encodedSchemas.clear();
    encoded = { bytes: Buffer.from(tableToIPC(new Table(schema), 'stream')).toString('base64'), key: `${process.pid}:${encodedSchemas.size}:${sig}` };
    encodedSchemas.set(sig, encoded);
  }
  return encoded;
}

/** Describe `batches` (which share one schema) for postMessage, with the buffers to transfer. */
export function packBatches(batches: readonly RecordBatch[], mode: TransferMode): { packet: BatchPacket; transferList: ArrayBuffer[] } {
  const encoded = encodeSchema(batches[0]!.schema);
  const views: ArrayBufferView[] = [];
  for (const b of batches) collectViews(b.data as Data, views);

  // Decide per ArrayBuffer: move it whole, or copy the views that use it.
  const owners = new Map<ArrayBufferLike, number>();
  for (const v of views) owners.set(v.buffer, (owners.get(v.buffer) ?? 0) + v.byteLength);
  const buffers: ArrayBufferLike[] = [];
  const transferList: ArrayBuffer[] = [];
  const index = new Map<ArrayBufferLike, number>();
  const copies = new Map<ArrayBufferView, BufferRef>();
  // 'copy' copies every buffer, shared memory too: a worker writing into its batch must not
  // change anyone else's. 'move' moves a buffer the batch (nearly) fills, and shares shared memory.
  for (const [ab, used] of mode === 'move' ? owners : []) {
    const shared = isShared(ab);
    // Wire payloads live in the payload pool's shared memory. Moving a large one shares its slab,
    // and the pool, which cannot see the worker's references, gives that memory up for good. A
    // small one shares its slab with other payloads: it is copied, and the slab stays pooled.
    const pooled = shared && payloadPool.owns(ab);
    // Other shared memory is shared as it is; anything else only when the batch fills enough of it.
    if ((pooled || !shared) && used < ab.byteLength * (pooled ? POOLED_SHARE : OWNED_SHARE)) continue;
    if (pooled) payloadPool.forget(ab);
    index.set(ab, buffers.length);
    buffers.push(ab);
    if (!shared) transferList.push(ab as ArrayBuffer);
  }
  const refOf = (v: ArrayBufferView | null | undefined): BufferRef | null => {
    if (!v) return null;
    const kind = v.constructor.name as TypedArrayName;
    const length = (v as unknown as { length: number }).length;
    const i = index.get(v.buffer);
    if (i !== undefined) return { buffer: i, byteOffset: v.byteOffset, length, kind };
    let ref = copies.get(v);
    if (!ref) {
      const copy = new Uint8Array(v.byteLength);
      copy.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      ref = { buffer: buffers.length, byteOffset: 0, length, kind };
      buffers.push(copy.buffer);
      transferList.push(copy.buffer);
      copies.set(v, ref);
    }
    return ref;
  };
  const packData = (d: Data): DataPacket => ({
    offset: d.offset,
    length: d.length,
    nullCount: d.nullCount,
    buffers: [refOf(d.valueOffsets), refOf(d.values), refOf(d.nullBitmap), refOf(d.typeIds)],
    variadic: (d.variadicBuffers ?? []).map((b) => refOf(b)!),
    children: d.children.map(packData),
    dictionary: d.dictionary ? d.dictionary.data.map((x) => packData(x as Data)) : null,
  });
  return {
    packet: { schema: encoded.bytes, schemaKey: encoded.key, batches: batches.map((b) => packData(b.data as Data)), buffers },
    transferList,
  };
}

const schemas = new Map<string, Schema>();

/** Rebuild the batches of a packet over its (moved) buffers. */
export function unpackBatches(packet: BatchPacket): RecordBatch[] {
  for (const b of packet.buffers) if (isShared(b)) receivedSharedMemory(b.byteLength);
  let schema = schemas.get(packet.schemaKey);
  if (!schema) {
    schema = tableFromIPC(Buffer.from(packet.schema, 'base64')).schema;
    schemas.set(packet.schemaKey, schema);
  }
  const view = (ref: BufferRef | null): ArrayBufferView | undefined => {
    if (!ref) return undefined;
    const Ctor = globalThis[ref.kind] as unknown as new (b: ArrayBufferLike, o: number, l: number) => ArrayBufferView;
    return new Ctor(packet.buffers[ref.buffer]!, ref.byteOffset, ref.length);
  };
  const build = (type: DataType, p: DataPacket): Data => {
    const children = p.children.map((c, i) => build(type.children[i]!.type, c));
    const dictType = (type as { dictionary?: DataType }).dictionary;
    const dictionary = p.dictionary && dictType ? makeVector(p.dictionary.map((d) => build(dictType, d))) : undefined;
    const [offsets, values, bitmap, typeIds] = p.buffers.map(view);
    return new Data(
      type,
      p.offset,
      p.length,
      p.nullCount,
      [offsets, values, bitmap, typeIds] as never,
      children,
      dictionary,
      p.variadic.map((r) => view(r) as Uint8Array),
    );
  };
  const struct = new Struct(schema.fields);
  return packet.batches.map((p) => new RecordBatch(schema!, build(struct, p) as Data<Struct>));
}

function collectViews(d: Data, out: ArrayBufferView[]): void {
  for (const v of [d.valueOffsets, d.values, d.nullBitmap, d.typeIds, ...(d.variadicBuffers ?? [])]) {
    if (v) out.push(v as ArrayBufferView);
  }
  for (const c of d.children) collectViews(c, out);
  if (d.dictionary) for (const x of d.dictionary.data) collectViews(x as Data, out);
}
