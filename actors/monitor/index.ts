// Watching streams from outside: the stats line and Prometheus metrics. Built on the live
// coordinators' directory (../live-streams.ts); the coordinators know nothing of it.
export { metricsRegistry } from './stream-metrics.js';
export { printStats, formatStatsLine, type PrintStatsOptions, type StatsPrinter } from './print-stats.js';
export { serveMetrics, type ServeMetricsOptions, type MetricsServer } from './metrics-server.js';
