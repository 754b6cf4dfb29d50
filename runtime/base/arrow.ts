import { RecordBatch, Table, type Data, type Schema } from 'apache-arrow';
import { InvalidArgumentError } from './errors.js';

/** What a producer may hand the coordinator for one partition entry. */
export type BatchInput = RecordBatch | Table | readonly RecordBatch[];

/**
 * The bytes an Arrow batch holds in memory: the sum of its buffers, children and
 * dictionaries. Arrow JS has no byteLength on RecordBatch, and the bytes limit of the
 * coordinator is only as good as this count.
 */
export function batchByteLength(batch: RecordBatch): number {
  return dataByteLength(batch.data as Data, new Set());
}

function dataByteLength(data: Data, seen: Set<Data>): number {
  if (seen.has(data)) return 0;
  seen.add(data);
  let bytes = 0;
  for (const buf of [data.valueOffsets, data.values, data.nullBitmap, data.typeIds]) {
    if (buf) bytes += (buf as ArrayBufferView).byteLength;
  }
  for (const child of data.children) bytes += dataByteLength(child, seen);
  if (data.dictionary) for (const d of data.dictionary.data) bytes += dataByteLength(d, seen);
  return bytes;
}

/** Normalise one partition entry to its record batches; anything that is not Arrow is refused. */
export function toRecordBatches(input: unknown, what: string): RecordBatch[] {
  if (isRecordBatch(input)) return [input];
  if (isTable(input)) return input.batches.slice();
  if (Array.isArray(input)) {
    return input.map((b, i) => {
      if (!isRecordBatch(b)) throw notArrow(b, `${what}[${i}]`);
      return b;
    });
  }
  throw notArrow(input, what);
}

function notArrow(value: unknown, what: string): InvalidArgumentError {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
  return new InvalidArgumentError(`${what} must be an apache-arrow RecordBatch or Table, got ${kind}`);
}

// Duck-typed as well as instanceof: a second copy of apache-arrow in node_modules makes
// instanceof fail for perfectly good batches.
function isRecordBatch(v: unknown): v is RecordBatch {
  if (v instanceof RecordBatch) return true;
  const o = v as { schema?: unknown; data?: unknown; numRows?: unknown; batches?: unknown } | null;
  return !!o && typeof o === 'object' && typeof o.numRows === 'number' && !!o.schema && !!o.data && o.batches === undefined;
}

function isTable(v: unknown): v is Table {
  if (v instanceof Table) return true;
  const o = v as { schema?: unknown; batches?: unknown } | null;
  return !!o && typeof o === 'object' && !!o.schema && Array.isArray(o.batches);
}

const signatures = new WeakMap<Schema, string>();

/** A schema's identity for the "same schema" check: names, types and nullability. */
export function schemaSignature(schema: Schema): string {
  // Batches of one stream usually share one Schema object; computing it once keeps publish cheap.
  let sig = signatures.get(schema);
  if (sig === undefined) {
    sig = schema.fields.map((f) => `${f.name}:${String(f.type)}${f.nullable ? '?' : ''}`).join(', ');
    signatures.set(schema, sig);
  }
  return sig;
}
