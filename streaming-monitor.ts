/** drls/streaming/monitor: the stats line and Prometheus metrics. */
export * from './actors/monitor/index.js';
