export { BridgeEndpoint, PROTOCOL_VERSION } from './endpoint.js';
export type { ConnectorOptions, EndpointOptions, RegisterOptions, StreamRegistration } from './endpoint.js';
export type { EndpointLogger } from './logger.js';
export type { CommitResult, CommittedPartition, LatestBatch, SinkTarget, SourcePayload, SourceTarget } from './targets.js';
export { FrameType, MAX_PAYLOAD_BYTES, encodeFrame, encodeJsonFrame, decodeJson } from './frame.js';
export type { Frame } from './frame.js';
export { FrameReader } from './frame-reader.js';
export {
  AuthFailedError,
  EndpointClosedError,
  EndpointStartError,
  ProtocolError,
  ProtocolVersionError,
  RoleUnsupportedError,
  StreamRegisteredError,
  TargetFailedError,
} from '../../runtime/base/index.js';
