export { fromSparkStreaming, type FromSparkStreamingOptions, type ForwardStream } from './from-spark-streaming.js';
export { toSparkStreaming, type ToSparkStreamingOptions, type ReverseStream, type ReverseStreamHandle } from './to-spark-streaming.js';
export { BridgedStreamingQuery } from './bridged-query.js';
export type { EndpointAddressOptions } from './options.js';
