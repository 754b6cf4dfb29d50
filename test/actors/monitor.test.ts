import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Counter, Registry } from 'prom-client';
import { ActorRuntime } from '../../runtime/index.js';
import { StreamCoordinator } from '../../streaming.js';
import { printStats, serveMetrics, metricsRegistry } from '../../streaming-monitor.js';
import { intBatch } from '../support/arrow.js';

const test = suite<{ rt: ActorRuntime }>('monitor');
test.before.each((ctx) => {
  ctx.rt = new ActorRuntime();
});
test.after.each((ctx) => ctx.rt.shutdown());

/** Parse Prometheus text: `name{labels} value` lines into [name, labels, value]. */
function parse(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    assert.ok(m, `unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m![2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    out.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return out;
}

test('/metrics over HTTP carries the stream metrics, labelled by stream_id', async ({ rt }) => {
  const c = StreamCoordinator.create({ streamId: 'metrics-demo', runtime: rt });
  const reader = c.register({ consumerId: 'reader' });
  for (let i = 0; i < 3; i++) await c.publish(intBatch([i, i]));
  await reader;
  await c.pull('reader'); // a single pull lets batch 0 go at once
  const server = await serveMetrics();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(server.url);
    assert.is(res.status, 200);
    const samples = parse(await res.text());
    const value = (name: string, extra: Record<string, string> = {}): number | undefined =>
      samples.find((s) => s.name === name && s.labels.stream_id === 'metrics-demo' && Object.entries(extra).every(([k, v]) => s.labels[k] === v))?.value;
    assert.is(value('drls_stream_batches_published_total'), 3);
    assert.is(value('drls_stream_batches_gc_total'), 1);
    assert.is(value('drls_stream_rows_published_total'), 6);
    assert.ok(value('drls_stream_bytes_published_total')! > 0);
    assert.is(value('drls_stream_buffer_batches'), 2);
    assert.ok(value('drls_stream_buffered_bytes')! > 0);
    assert.is(value('drls_stream_consumer_lag_batches', { consumer_id: 'reader' }), 2);
    assert.is(value('drls_stream_publish_latency_seconds_count'), 3);
    assert.ok(value('drls_stream_pull_latency_seconds_count')! >= 1);
    assert.is((await fetch(server.url.replace('/metrics', '/other'))).status, 404);
  } finally {
    await server.close();
    await c.unregister('reader');
  }
});

test('serveMetrics checks a token when given one, and requires one off loopback', async () => {
  const server = await serveMetrics({ token: 's3cret' });
  try {
    assert.is((await fetch(server.url)).status, 401);
    assert.is((await fetch(server.url, { headers: { authorization: 'Bearer s3cret' } })).status, 200);
  } finally {
    await server.close();
  }
  await serveMetrics({ host: '0.0.0.0' }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, 'options.token is required'));
  await serveMetrics({ port: -1 }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, 'options.port must be'));
});

test('the registry can be merged into a service’s own', async () => {
  const own = new Registry();
  new Counter({ name: 'my_service_requests_total', help: 'requests', registers: [own] });
  const text = await Registry.merge([metricsRegistry, own]).metrics();
  assert.match(text, '# TYPE drls_stream_publish_latency_seconds histogram');
  assert.match(text, 'my_service_requests_total');
});

test('printStats prints the original line plus MB and rows/s, and stops when the stream ends', async ({ rt }) => {
  const c = StreamCoordinator.create({ streamId: 'ps', maxBufferedBatches: 8, runtime: rt });
  const lines: string[] = [];
  await c.publish(intBatch([1, 2, 3]));
  const printer = printStats(c, { interval: 10, write: (l) => lines.push(l) });
  await c.complete();
  await printer.done;
  const last = lines.at(-1)!;
  assert.match(last, /^\[ps\] published=1 gc=0 buffer=1\/8 consumers=0 throughput=[\d.]+ batches\/s watermark=none complete=true mb=[\d.]+\/\d+ rows\/s=\d+/);
  assert.throws(() => printStats(c, { interval: 0 }), /options\.interval must be a positive number/);
});

test.run();
