// Spark puts its error class into a google.rpc.Status (trailer `grpc-status-details-bin`) whose
// details hold a google.rpc.ErrorInfo. Those two messages are tiny, so they are decoded here
// by hand instead of shipping the google/rpc protos.

export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

/** The ErrorInfo inside an encoded google.rpc.Status, if there is one. */
export function errorInfoFromStatus(status: Uint8Array): ErrorInfo | undefined {
  for (const [field, value] of fields(status)) {
    if (field !== 3 || typeof value === 'number') continue; // details: repeated Any
    let typeUrl = '';
    let payload: Uint8Array | undefined;
    for (const [f, v] of fields(value)) {
      if (f === 1 && typeof v !== 'number') typeUrl = text(v);
      if (f === 2 && typeof v !== 'number') payload = v;
    }
    if (typeUrl.endsWith('google.rpc.ErrorInfo') && payload) return decodeErrorInfo(payload);
  }
  return undefined;
}

function decodeErrorInfo(buf: Uint8Array): ErrorInfo {
  const info: ErrorInfo = { reason: '', domain: '', metadata: {} };
  for (const [field, value] of fields(buf)) {
    if (typeof value === 'number') continue;
    if (field === 1) info.reason = text(value);
    else if (field === 2) info.domain = text(value);
    else if (field === 3) {
      let k = '';
      let v = '';
      for (const [f, x] of fields(value)) {
        if (typeof x === 'number') continue;
        if (f === 1) k = text(x);
        else if (f === 2) v = text(x);
      }
      info.metadata[k] = v;
    }
  }
  return info;
}

/** Iterate the (field number, value) pairs of a protobuf message: varints as numbers, length-delimited as bytes. */
function* fields(buf: Uint8Array): Generator<[number, number | Uint8Array]> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw new Error('truncated varint');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield [field, varint()];
    else if (wire === 2) {
      const len = varint();
      yield [field, buf.subarray(pos, pos + len)];
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else return; // groups never occur in these messages
  }
}

function text(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
