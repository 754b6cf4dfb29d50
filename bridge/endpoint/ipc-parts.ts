import { MessageHeader, tableToIPC, Table, type RecordBatch } from 'apache-arrow';
import { _InternalEmptyPlaceholderRecordBatch as EmptyPlaceholder } from 'apache-arrow/recordbatch';
import { Message, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';

/**
 * An Arrow IPC stream as the pieces it is made of: the schema's message, each batch's message
 * and the batch's own buffers, padding, and the end-of-stream marker. Written in one writev,
 * they are the bytes `tableToIPC(table, 'stream')` makes, without its copy of every buffer into
 * one array (0.7 ms per 2 MB batch, most of Node's cost of serving a reverse fetch).
 */
export interface IpcParts {
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
}

const ZEROS = new Uint8Array(8);
const END_OF_STREAM = new Uint8Array(Int32Array.of(-1, 0).buffer);

export function ipcParts(payload: Table | RecordBatch): IpcParts {
  const batches = payload instanceof Table ? payload.batches : [payload];
  // Dictionary batches need their own messages and ids; those rare streams take Arrow's writer.
  if (payload.schema.dictionaries.size > 0) {
    const bytes = tableToIPC(payload instanceof Table ? payload : new Table([payload]), 'stream');
    return { parts: [bytes], byteLength: bytes.byteLength };
  }
  // Encoded each time (microseconds): a Schema's metadata is a mutable Map, so a cache could go stale.
  const parts: Uint8Array[] = [framedMessage(Message.encode(Message.from(payload.schema)))];
  for (const batch of batches) {
    // What Arrow's readers give for a stream with no batches; Arrow's writer writes nothing for it.
    if (!(batch instanceof EmptyPlaceholder)) batchParts(batch, parts);
  }
  parts.push(END_OF_STREAM);
  let byteLength = 0;
  for (const p of parts) byteLength += p.byteLength;
  return { parts, byteLength };
}

function batchParts(batch: RecordBatch, into: Uint8Array[]): void {
  const assembled = VectorAssembler.assemble(batch);
  const header = new RecordBatchHeader(batch.numRows, assembled.nodes, assembled.bufferRegions, null, assembled.variadicBufferCounts, batch.metadata);
  const message = Message.from(header, assembled.byteLength) as Message<MessageHeader.RecordBatch>;
  into.push(framedMessage(Message.encode(message)));
  for (const buffer of assembled.buffers) {
    if (buffer.byteLength === 0) continue;
    into.push(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
    const padding = -buffer.byteLength & 7;
    if (padding > 0) into.push(ZEROS.subarray(0, padding));
  }
}

/** Continuation marker, length, flatbuffer, padding to 8 bytes: one message's metadata. */
function framedMessage(flatbuffer: Uint8Array): Uint8Array {
  const padded = (flatbuffer.byteLength + 8 + 7) & ~7;
  const out = new Uint8Array(padded);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, padded - 8, true);
  out.set(flatbuffer, 8);
  return out;
}
