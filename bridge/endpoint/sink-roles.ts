import { FrameType, type Frame } from './frame.js';
import { ProtocolError } from '../../runtime/base/index.js';
import { checkIpc, count, expectType, json, parseCommit, parseWriter, type Hello } from './messages.js';
import type { Connection } from './connection.js';
import type { StreamEntry } from './stream-entry.js';
import type { SinkTarget } from './targets.js';

/**
 * `write`: one Spark task attempt streams DATA* then END. Each DATA is staged before the next frame
 * is read, so a full stream stops this socket. OK only once every batch is staged. Data of an epoch
 * already committed is read and dropped: a replay is never delivered twice.
 */
export async function serveWrite(conn: Connection, entry: StreamEntry, sink: SinkTarget, hello: Hello): Promise<void> {
  const { epoch, partition, attempt } = parseWriter(hello);
  let batches = 0;
  for (;;) {
    const frame = await conn.require('END');
    if (frame.type === FrameType.DATA) {
      checkIpc(frame.payload);
      batches++;
      if (!entry.isCommitted(epoch)) await sink.stage(epoch, partition, attempt, frame.payload);
      continue;
    }
    expectType(frame, FrameType.END);
    const end = json(frame);
    const declared = count(end, 'batches', 'END');
    if (declared !== batches) {
      throw new ProtocolError(`END declares ${declared} batches but ${batches} DATA frames arrived`);
    }
    await conn.sendJson(FrameType.OK, { rows: count(end, 'rows', 'END'), batches, duplicate: entry.isCommitted(epoch) });
    return;
  }
}

/**
 * `driver-write` (useJvmSink = false): the driver sends every partition of one epoch, each as
 * REQUEST {op: "partition"} then its DATA frames, then COMMIT.
 */
export async function serveDriverWrite(conn: Connection, entry: StreamEntry, sink: SinkTarget, hello: Hello): Promise<void> {
  const epoch = count(hello.body, 'epoch', 'HELLO');
  for (;;) {
    const frame = await conn.require('COMMIT');
    if (frame.type === FrameType.COMMIT) {
      await commit(conn, entry, sink, frame, epoch);
      return;
    }
    expectType(frame, FrameType.REQUEST);
    const header = json(frame);
    if (header['op'] !== 'partition') {
      throw new ProtocolError(`REQUEST: unknown op ${JSON.stringify(header['op'])} for role driver-write`);
    }
    const partition = count(header, 'partition', 'REQUEST partition');
    const attempt = count(header, 'attempt', 'REQUEST partition');
    const batches = count(header, 'batches', 'REQUEST partition');
    for (let i = 0; i < batches; i++) {
      const data = await conn.require(`DATA ${i + 1} of ${batches} for partition ${partition}`);
      expectType(data, FrameType.DATA);
      checkIpc(data.payload);
      if (!entry.isCommitted(epoch)) await sink.stage(epoch, partition, attempt, data.payload);
    }
  }
}

/** `commit`: the driver's COMMIT and ABORT frames, each answered OK. */
export async function serveCommit(conn: Connection, entry: StreamEntry, sink: SinkTarget): Promise<void> {
  for (let frame = await conn.next(); frame; frame = await conn.next()) {
    if (frame.type === FrameType.COMMIT) {
      await commit(conn, entry, sink, frame);
    } else {
      expectType(frame, FrameType.ABORT);
      const epoch = count(json(frame), 'epoch', 'ABORT');
      await entry.abort(sink, epoch);
      await conn.sendJson(FrameType.OK, {});
    }
  }
}

async function commit(
  conn: Connection,
  entry: StreamEntry,
  sink: SinkTarget,
  frame: Frame,
  expectedEpoch?: number,
): Promise<void> {
  const message = parseCommit(frame);
  if (expectedEpoch !== undefined && message.epoch !== expectedEpoch) {
    throw new ProtocolError(`COMMIT names epoch ${message.epoch} on a driver-write connection for epoch ${expectedEpoch}`);
  }
  const result = await entry.commit(sink, message.epoch, message.partitions);
  await conn.sendJson(FrameType.OK, result.duplicate ? { duplicate: true } : { batchId: result.batchId, duplicate: false });
}
