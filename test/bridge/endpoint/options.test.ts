import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { streamBridge } from '../../../bridge/streaming/stream-bridge.js';
import { ActorRuntime } from '../../../runtime/index.js';
import type { DrlsError } from '../../../runtime/base/index.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WireEndpoint, type EndpointOptions } from '../../../bridge/endpoint/index.js';
import { RecordingSink, TestClient, memoryLogger, startEndpoint } from './helpers.js';

async function rejects(options: EndpointOptions, message: RegExp): Promise<void> {
  try {
    await WireEndpoint.start(options);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'DRLS_INVALID_ARGUMENT');
    assert.match((err as Error).message, message);
  }
}

test('endpoint options are validated and the message names the option', async () => {
  await rejects({ port: 70000 }, /options\.port/);
  await rejects({ port: 1.5 }, /options\.port/);
  await rejects({ host: '' }, /options\.host/);
  await rejects({ advertisedHost: '' }, /options\.advertisedHost/);
  await rejects({ maxFrameBytes: 0 }, /options\.maxFrameBytes/);
  await rejects({ helloTimeoutMs: -1 }, /options\.helloTimeoutMs/);
});

test('a port already taken is a typed error naming it; the bridge then starts afresh with other options', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as AddressInfo).port;
  const rt = new ActorRuntime();
  try {
    const err = await streamBridge({ runtime: rt, endpoint: { port } })
      .register('s', { sink: new RecordingSink() })
      .then(
        () => null,
        (e: DrlsError) => e,
      );
    assert.is(err?.code, 'DRLS_ENDPOINT_START');
    assert.match(err!.message, `127.0.0.1:${port}`);
    const reg = await streamBridge({ runtime: rt }).register('s', { sink: new RecordingSink() }); // at once
    assert.is.not(reg.connectorOptions().port, String(port));
  } finally {
    rt.shutdown();
    taken.close();
  }
});

test('binds 127.0.0.1 on a free port by default and hands out connector options', async () => {
  const { endpoint } = await startEndpoint();
  assert.is(endpoint.host, '127.0.0.1');
  assert.ok(endpoint.port > 0);
  const reg = endpoint.register('s', { sink: new RecordingSink() });
  assert.ok(reg.secret.length >= 32, 'a random secret by default');
  assert.equal(reg.connectorOptions(), { host: '127.0.0.1', port: String(endpoint.port), streamId: 's', secret: reg.secret });
  await endpoint.close();
});

test('connector options carry the advertised host, for executors on other machines', async () => {
  const endpoint = await WireEndpoint.start({ host: '0.0.0.0', advertisedHost: 'driver.example', logger: { warn: () => undefined } });
  assert.is(endpoint.register('s', { sink: new RecordingSink() }).connectorOptions().host, 'driver.example');
  await endpoint.close();
  const wildcard = await WireEndpoint.start({ host: '0.0.0.0', logger: { warn: () => undefined } });
  assert.is(wildcard.register('s', { sink: new RecordingSink() }).connectorOptions().host, '127.0.0.1');
  await wildcard.close();
});

test('register refuses a taken stream id and a missing target', async () => {
  const { endpoint } = await startEndpoint();
  endpoint.register('s', { sink: new RecordingSink() });
  assert.throws(() => endpoint.register('s', { sink: new RecordingSink() }), (e: Error & { code?: string }) => e.code === 'DRLS_STREAM_REGISTERED');
  assert.throws(() => endpoint.register('t', {}), /options\.sink or options\.source/);
  await endpoint.close();
  assert.throws(() => endpoint.register('v', { sink: new RecordingSink() }), (e: Error & { code?: string }) => e.code === 'DRLS_ENDPOINT_CLOSED');
});

test('an idle endpoint does not keep the process alive', async () => {
  const script = [
    "import { WireEndpoint } from './bridge/endpoint/index.ts';",
    "const e = await WireEndpoint.start();",
    "e.register('s', { sink: { stage: async () => {}, commitEpoch: async () => ({ duplicate: true }), abortEpoch: async () => {} } });",
    "console.log('listening', e.port);",
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.is(code, 0);
  assert.match(out, /listening \d+/);
});

test('a connection that never says HELLO is dropped after helloTimeoutMs', async () => {
  const logger = memoryLogger();
  const endpoint = await WireEndpoint.start({ logger, helloTimeoutMs: 50 });
  const client = await TestClient.open(endpoint.port);
  const answer = await client.readJson();
  assert.is(answer.body['code'], 'DRLS_PROTOCOL_ERROR');
  assert.match(String(answer.body['message']), /no HELLO within 50 ms/);
  assert.is(logger.lines.length, 1);
  await endpoint.close();
});

test.run();
