// The Node end of the wire protocol (docs/wire-protocol.md): one TCP server for every stream,
// routing each connection to its stream's sink or source target.
export { WireEndpoint, PROTOCOL_VERSION, advertisedHostOf } from './wire-endpoint.js';
export type { ConnectorOptions, EndpointOptions, StreamTargets, StreamRegistration } from './wire-endpoint.js';
export type { EndpointLogger } from './logger.js';
export { checkTlsOptions, type EndpointTlsOptions } from './tls-options.js';
export { MemoryEpochLedger, type EpochLedger } from './epoch-ledger.js';
export type { CommitResult, CommittedPartition, LatestBatch, SinkTarget, SourcePayload, SourceTarget } from './targets.js';
export { FrameType, MAX_PAYLOAD_BYTES, encodeFrame, encodeJsonFrame, decodeJson } from './frame.js';
export type { Frame } from './frame.js';
export { FrameReader } from './frame-reader.js';
