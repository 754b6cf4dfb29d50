/** Frame types of the wire protocol (docs/wire-protocol.md). */
export const FrameType = {
  HELLO: 0x01,
  DATA: 0x02,
  END: 0x03,
  COMMIT: 0x04,
  ABORT: 0x05,
  REQUEST: 0x06,
  OK: 0x10,
  ERROR: 0x11,
} as const;

export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** A frame: its type and its payload (JSON for control frames, an Arrow IPC stream for DATA). */
export interface Frame {
  readonly type: FrameType;
  readonly payload: Uint8Array;
}

/** The protocol's ceiling on one payload. */
export const MAX_PAYLOAD_BYTES = 1 << 30;
export const HEADER_BYTES = 5;

const known = new Set<number>(Object.values(FrameType));

export function isFrameType(value: number): value is FrameType {
  return known.has(value);
}

export function frameTypeName(type: number): string {
  for (const [name, value] of Object.entries(FrameType)) if (value === type) return name;
  return `0x${type.toString(16).padStart(2, '0')}`;
}

/** The 5-byte header of a frame (kept apart from the payload so large payloads are not copied). */
export function encodeHeader(type: FrameType, length: number): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = type;
  new DataView(header.buffer).setUint32(1, length, false);
  return header;
}

/** A whole frame in one buffer, for small control frames and tests. */
export function encodeFrame(type: FrameType, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.byteLength);
  out.set(encodeHeader(type, payload.byteLength), 0);
  out.set(payload, HEADER_BYTES);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeJsonFrame(type: FrameType, body: object): Uint8Array {
  return encodeFrame(type, encoder.encode(JSON.stringify(body)));
}

/** Parses a control payload; undefined when it is not a UTF-8 JSON object. */
export function decodeJson(payload: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(payload.byteLength === 0 ? '{}' : decoder.decode(payload));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
