import { RecordBatchStreamWriter } from 'apache-arrow';
import { FrameType } from './frame.js';
import { ipcParts } from './ipc-parts.js';
import { parseSourceRequest } from './messages.js';
import type { Connection } from './connection.js';
import type { SourceTarget } from './targets.js';

/** `source`: Spark's reader asks for schema, latest, fetch and commit; answers go in order. */
export async function serveSource(conn: Connection, source: SourceTarget): Promise<void> {
  for (let frame = await conn.next(); frame; frame = await conn.next()) {
    const request = parseSourceRequest(frame);
    switch (request.op) {
      case 'schema': {
        const writer = new RecordBatchStreamWriter();
        writer.reset(undefined, await source.schema());
        writer.close();
        await conn.sendData(writer.toUint8Array(true));
        break;
      }
      case 'latest': {
        const latest = await source.latest();
        await conn.sendJson(FrameType.OK, {
          batchId: latest.batchId,
          complete: latest.complete,
          ...(source.incarnation === undefined ? {} : { incarnation: source.incarnation }),
        });
        break;
      }
      case 'fetch': {
        const payloads = await source.fetch(request.batchId);
        for (const p of payloads) await (p instanceof Uint8Array ? conn.sendData(p) : conn.sendDataParts(ipcParts(p)));
        await conn.sendJson(FrameType.OK, { batchId: request.batchId, batches: payloads.length });
        break;
      }
      case 'commit':
        await source.commit(request.batchId);
        await conn.sendJson(FrameType.OK, {});
        break;
    }
  }
}
