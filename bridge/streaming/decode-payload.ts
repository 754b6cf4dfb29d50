import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import { ProtocolError, errorMessage } from '../../runtime/base/index.js';

/** A forward DATA payload's record batches (views over its bytes); anything else is a protocol error. */
export function decodePayload(ipc: Uint8Array): RecordBatch[] {
  let batches: RecordBatch[];
  try {
    batches = tableFromIPC(ipc).batches;
  } catch (err) {
    throw new ProtocolError(`DATA payload is not a readable Arrow IPC stream: ${errorMessage(err)}`, { cause: err });
  }
  // Arrow JS reads a stream with no schema or no batch as an empty table: refused, not staged.
  if (batches.length === 0) throw new ProtocolError(`DATA payload of ${ipc.byteLength} bytes holds no record batch`);
  return batches;
}
