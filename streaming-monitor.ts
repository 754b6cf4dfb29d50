/** drls/streaming/monitor: the stats line and Prometheus metrics. */
export {
  printStats,
  formatStatsLine,
  serveMetrics,
  metricsRegistry,
  type PrintStatsOptions,
  type StatsPrinter,
  type ServeMetricsOptions,
  type MetricsServer,
} from './actors/index.js';
