import { decodeJson, frameTypeName, FrameType, type Frame } from './frame.js';
import { ProtocolError } from '../../runtime/base/index.js';
import type { CommittedPartition } from './targets.js';

/** Validated control payloads: everything past this file is typed, nothing trusts raw JSON. */

export const ROLES = ['write', 'driver-write', 'commit', 'source', 'probe'] as const;
export type Role = (typeof ROLES)[number];

export interface Hello {
  readonly version: unknown;
  readonly role: Role;
  readonly streamId: string;
  readonly secret: string;
  readonly body: Record<string, unknown>;
}

export interface WriterIdentity {
  readonly epoch: number;
  readonly partition: number;
  readonly attempt: number;
}

export interface CommitMessage {
  readonly epoch: number;
  readonly partitions: readonly CommittedPartition[];
}

export type SourceRequest =
  | { readonly op: 'schema' }
  | { readonly op: 'latest' }
  | { readonly op: 'fetch'; readonly batchId: number }
  | { readonly op: 'commit'; readonly batchId: number };

export function json(frame: Frame): Record<string, unknown> {
  const body = decodeJson(frame.payload);
  if (!body) throw new ProtocolError(`${frameTypeName(frame.type)} payload is not a UTF-8 JSON object`);
  return body;
}

export function expectType(frame: Frame, ...types: FrameType[]): void {
  if (!types.includes(frame.type)) {
    throw new ProtocolError(`expected ${types.map(frameTypeName).join(' or ')}, got ${frameTypeName(frame.type)}`);
  }
}

export function count(body: Record<string, unknown>, field: string, what: string, min = 0): number {
  const v = body[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new ProtocolError(`${what}: "${field}" must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function text(body: Record<string, unknown>, field: string, what: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0) {
    throw new ProtocolError(`${what}: "${field}" must be a non-empty string`);
  }
  return v;
}

export function parseHello(frame: Frame): Hello {
  expectType(frame, FrameType.HELLO);
  const body = json(frame);
  const role = body['role'];
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new ProtocolError(`HELLO: "role" must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
  }
  return {
    version: body['version'],
    role: role as Role,
    streamId: text(body, 'streamId', 'HELLO'),
    secret: typeof body['secret'] === 'string' ? body['secret'] : '',
    body,
  };
}

export function parseWriter(hello: Hello): WriterIdentity {
  return {
    epoch: count(hello.body, 'epoch', 'HELLO'),
    partition: count(hello.body, 'partition', 'HELLO'),
    attempt: count(hello.body, 'attempt', 'HELLO'),
  };
}

export function parseCommit(frame: Frame): CommitMessage {
  const body = json(frame);
  const epoch = count(body, 'epoch', 'COMMIT');
  const raw = body['partitions'];
  if (!Array.isArray(raw)) throw new ProtocolError('COMMIT: "partitions" must be an array');
  const partitions = raw.map((p: unknown, i): CommittedPartition => {
    if (typeof p !== 'object' || p === null) throw new ProtocolError(`COMMIT: partitions[${i}] must be an object`);
    const o = p as Record<string, unknown>;
    const what = `COMMIT partitions[${i}]`;
    return {
      partition: count(o, 'partition', what),
      attempt: count(o, 'attempt', what),
      rows: count(o, 'rows', what),
      batches: count(o, 'batches', what),
    };
  });
  partitions.sort((a, b) => a.partition - b.partition);
  for (let i = 1; i < partitions.length; i++) {
    if (partitions[i]!.partition === partitions[i - 1]!.partition) {
      throw new ProtocolError(`COMMIT: partition ${partitions[i]!.partition} is listed twice`);
    }
  }
  return { epoch, partitions };
}

export function parseSourceRequest(frame: Frame): SourceRequest {
  expectType(frame, FrameType.REQUEST);
  const body = json(frame);
  const op = body['op'];
  switch (op) {
    case 'schema':
    case 'latest':
      return { op };
    case 'fetch':
    case 'commit':
      return { op, batchId: count(body, 'batchId', `REQUEST ${op}`) };
    default:
      throw new ProtocolError(`REQUEST: unknown op ${JSON.stringify(op)} for role source`);
  }
}

/** Arrow IPC streams begin with the 0xFFFFFFFF continuation marker; anything else is not one. */
/** Checks a DATA payload's framing: one complete Arrow IPC stream, from its first message's marker to its end-of-stream marker. */
export function checkIpc(payload: Uint8Array): void {
  const n = payload.byteLength;
  if (n < 16) throw new ProtocolError(`DATA payload of ${n} bytes is not a complete Arrow IPC stream (too short)`);
  if (!isContinuation(payload, 0)) throw new ProtocolError('DATA payload is not an Arrow IPC stream (no continuation marker at its start)');
  // The end-of-stream marker: a continuation marker and a zero metadata length. A payload cut
  // short, or one that is not a whole stream, lacks it.
  if (!isContinuation(payload, n - 8) || payload[n - 4] !== 0 || payload[n - 3] !== 0 || payload[n - 2] !== 0 || payload[n - 1] !== 0) {
    throw new ProtocolError(`DATA payload of ${n} bytes is not a complete Arrow IPC stream (no end-of-stream marker)`);
  }
}

function isContinuation(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0xff && bytes[at + 1] === 0xff && bytes[at + 2] === 0xff && bytes[at + 3] === 0xff;
}
