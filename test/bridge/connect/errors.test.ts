import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as grpc from '@grpc/grpc-js';
import { ConnectClient } from '../../../bridge/connect/client.js';
import { parseRemote } from '../../../bridge/connect/remote.js';
import { ensureSpark } from '../../../bridge/spark/index.js';
import { SparkAuthFailedError, SparkError } from '../../../index.js';

const test = suite('Spark Connect errors, as the client turns them into drls errors');

// A google.rpc.Status trailer as Spark sends it, holding one ErrorInfo (protobuf, by hand).
function field(n: number, bytes: Uint8Array | string): number[] {
  const b = typeof bytes === 'string' ? [...Buffer.from(bytes)] : [...bytes];
  const len: number[] = [];
  for (let v = b.length; ; v >>= 7) {
    if (v < 0x80) {
      len.push(v);
      break;
    }
    len.push((v & 0x7f) | 0x80);
  }
  return [(n << 3) | 2, ...len, ...b];
}
function statusWith(errorClass: string, params: Record<string, string>): Buffer {
  const entry = (k: string, v: string): number[] => field(3, new Uint8Array([...field(1, k), ...field(2, v)]));
  const info = new Uint8Array([
    ...field(1, 'org.apache.spark.sql.AnalysisException'),
    ...entry('errorClass', errorClass),
    ...entry('messageParameters', JSON.stringify(params)),
  ]);
  const any = new Uint8Array([...field(1, 'type.googleapis.com/google.rpc.ErrorInfo'), ...field(2, info)]);
  return Buffer.from(field(3, any));
}

async function client(): Promise<ConnectClient> {
  const { protosDir } = await ensureSpark({ requireJava: false });
  return new ConnectClient(parseRemote('sc://127.0.0.1:1'), protosDir);
}

test('a drls data source Spark cannot find comes with the hint to add the connector jar', async () => {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', statusWith('DATA_SOURCE_NOT_FOUND', { provider: 'drls' }));
  const err = (await client()).toError({ code: grpc.status.INTERNAL, details: '[DATA_SOURCE_NOT_FOUND] Failed to find the data source: drls.', metadata });
  assert.instance(err, SparkError);
  assert.is((err as SparkError).errorClass, 'DATA_SOURCE_NOT_FOUND');
  assert.match(err.message, 'npx drls jar-path');
  assert.match(err.message, 'spark.jars');
});

test('another data source Spark cannot find gets no drls hint', async () => {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', statusWith('DATA_SOURCE_NOT_FOUND', { provider: 'kafka' }));
  const err = (await client()).toError({ code: grpc.status.INTERNAL, details: '[DATA_SOURCE_NOT_FOUND] Failed to find the data source: kafka.', metadata });
  assert.not.match(err.message, 'jar-path');
});

test('a refused token is SparkAuthFailedError, and the address it names hides the token', async () => {
  const { protosDir } = await ensureSpark({ requireJava: false });
  const c = new ConnectClient(parseRemote('sc://127.0.0.1:1/;token=sekrit'), protosDir);
  const err = c.toError({ code: grpc.status.UNAUTHENTICATED, details: 'Invalid authentication token', metadata: new grpc.Metadata() });
  assert.instance(err, SparkAuthFailedError);
  assert.not.match(err.message, 'sekrit');
  assert.match(err.message, 'token=***');
});

test.run();
