import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StreamBuffer, StreamObserver } from './stream-buffer.js';
import type { CoordinatorStats } from './stream-coordinator-protocol.js';

/**
 * drls's Prometheus metrics, in a registry of their own so a service can merge them into
 * its own (`Registry.merge([metricsRegistry, yours])`) or serve them with `serveMetrics()`.
 * Histograms are updated as things happen; counters and gauges are read from the live
 * coordinators' own totals when scraped, so the hot path pays nothing for them (labelled
 * prom-client counters hash their labels on every increment: a fifth of a small batch's
 * cost when they were updated per publish).
 */
export const metricsRegistry = new Registry();

const live = new Map<string, StreamBuffer>();

// Buckets of the original (1 5 10 50 100 500 1000 5000 ms), in seconds.
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

/** A counter read from the live coordinators' own totals when scraped. */
function totalCounter(name: string, help: string, read: (stats: CoordinatorStats) => number): void {
  new Counter({
    name,
    help,
    labelNames: ['stream_id'],
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const [id, buffer] of live) this.inc({ stream_id: id }, read(buffer.stats()));
    },
  });
}

totalCounter('drls_stream_batches_published_total', 'Micro-batches accepted into the stream coordinator', (s) => s.batchesPublished);
totalCounter('drls_stream_rows_published_total', 'Rows accepted into the stream coordinator', (s) => s.rowsPublished);
totalCounter('drls_stream_bytes_published_total', 'Arrow bytes accepted into the stream coordinator', (s) => s.bytesPublished);
totalCounter('drls_stream_batches_gc_total', 'Micro-batches dropped after every consumer passed them', (s) => s.batchesGc);
const publishLatency = new Histogram({
  name: 'drls_stream_publish_latency_seconds',
  help: 'Time a publish waited for room in the buffer',
  labelNames: ['stream_id'],
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});
const pullLatency = new Histogram({
  name: 'drls_stream_pull_latency_seconds',
  help: 'Time a pull waited for a batch',
  labelNames: ['stream_id'],
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

new Gauge({
  name: 'drls_stream_buffer_batches',
  help: 'Micro-batches held in the coordinator buffer',
  labelNames: ['stream_id'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [id, buffer] of live) this.set({ stream_id: id }, buffer.stats().bufferSize);
  },
});
new Gauge({
  name: 'drls_stream_buffered_bytes',
  help: 'Arrow bytes held in the coordinator buffer',
  labelNames: ['stream_id'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [id, buffer] of live) this.set({ stream_id: id }, buffer.stats().bufferedBytes);
  },
});
new Gauge({
  name: 'drls_stream_consumer_lag_batches',
  help: 'Micro-batches published that a consumer has not pulled yet',
  labelNames: ['stream_id', 'consumer_id'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [id, buffer] of live) {
      for (const [consumer, lag] of buffer.consumerLags()) this.set({ stream_id: id, consumer_id: consumer }, lag);
    }
  },
});

/** The observer a coordinator reports to; labelled children are made once per stream. */
export function streamObserver(streamId: string): StreamObserver {
  const labels = { stream_id: streamId };
  const pl = publishLatency.labels(labels);
  const ql = pullLatency.labels(labels);
  return {
    published(waited) {
      pl.observe(waited);
    },
    pulled(waited) {
      ql.observe(waited);
    },
  };
}

export function trackStream(buffer: StreamBuffer): void {
  live.set(buffer.streamId, buffer);
}

/** Forget a removed stream, so its series do not linger in /metrics. */
export function untrackStream(buffer: StreamBuffer): void {
  if (live.get(buffer.streamId) !== buffer) return;
  live.delete(buffer.streamId);
  const labels = { stream_id: buffer.streamId };
  publishLatency.remove(labels);
  pullLatency.remove(labels);
}
