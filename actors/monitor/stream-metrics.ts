import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { liveStreams, watchStreams, type LiveStream } from '../live-streams.js';
import type { CoordinatorStats } from '../stream-coordinator-protocol.js';

/**
 * drls's Prometheus metrics, in a registry of their own so a service can merge them into
 * its own (`Registry.merge([metricsRegistry, yours])`) or serve them with `serveMetrics()`.
 * They exist once this module is imported (through `drls/streaming/monitor`), not before.
 * Every series carries `runtime` and `stream_id`, so two runtimes using one stream id stay
 * apart. Histograms are updated as things happen; counters and gauges are read from the live
 * coordinators' own totals when scraped, so the hot path pays nothing for them.
 */
export const metricsRegistry = new Registry();

const LABELS = ['runtime', 'stream_id'] as const;
// Buckets of the original (1 5 10 50 100 500 1000 5000 ms), in seconds.
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

function labels(stream: LiveStream): { runtime: string; stream_id: string } {
  return { runtime: stream.runtime, stream_id: stream.streamId };
}

/** A counter or gauge read from each live coordinator's stats when scraped. */
function readAtScrape(Kind: typeof Counter | typeof Gauge, name: string, help: string, read: (stats: CoordinatorStats) => number): void {
  new Kind({
    name,
    help,
    labelNames: LABELS,
    registers: [metricsRegistry],
    collect(this: Counter | Gauge) {
      this.reset();
      for (const stream of liveStreams()) {
        const value = read(stream.stats());
        if (this instanceof Counter) this.inc(labels(stream), value);
        else this.set(labels(stream), value);
      }
    },
  });
}

readAtScrape(Counter, 'drls_stream_batches_published_total', 'Micro-batches accepted into the stream coordinator', (s) => s.batchesPublished);
readAtScrape(Counter, 'drls_stream_rows_published_total', 'Rows accepted into the stream coordinator', (s) => s.rowsPublished);
readAtScrape(Counter, 'drls_stream_bytes_published_total', 'Arrow bytes accepted into the stream coordinator', (s) => s.bytesPublished);
readAtScrape(Counter, 'drls_stream_batches_gc_total', 'Micro-batches dropped after every consumer passed them', (s) => s.batchesGc);
readAtScrape(Gauge, 'drls_stream_buffer_batches', 'Micro-batches held in the coordinator buffer', (s) => s.bufferSize);
readAtScrape(Gauge, 'drls_stream_buffered_bytes', 'Arrow bytes held in the coordinator buffer', (s) => s.bufferedBytes);

new Gauge({
  name: 'drls_stream_consumer_lag_batches',
  help: 'Micro-batches published that a consumer has not pulled yet',
  labelNames: [...LABELS, 'consumer_id'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const stream of liveStreams()) {
      for (const [consumer, lag] of stream.consumerLags()) this.set({ ...labels(stream), consumer_id: consumer }, lag);
    }
  },
});

const publishLatency = new Histogram({
  name: 'drls_stream_publish_latency_seconds',
  help: 'Time a publish waited for room in the buffer',
  labelNames: LABELS,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});
const pullLatency = new Histogram({
  name: 'drls_stream_pull_latency_seconds',
  help: 'Time a pull waited for a batch',
  labelNames: LABELS,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

// Labelled children made once per stream: labelling on every observation hashes the labels.
const children = new WeakMap<LiveStream, { publish: ReturnType<Histogram['labels']>; pull: ReturnType<Histogram['labels']> }>();

watchStreams((event) => {
  const stream = event.stream;
  if (event.type === 'removed') {
    // A stopped stream's series do not linger in /metrics.
    children.delete(stream);
    publishLatency.remove(labels(stream));
    pullLatency.remove(labels(stream));
    return;
  }
  let child = children.get(stream);
  if (!child) children.set(stream, (child = { publish: publishLatency.labels(labels(stream)), pull: pullLatency.labels(labels(stream)) }));
  (event.type === 'published' ? child.publish : child.pull).observe(event.waitedSeconds);
});
