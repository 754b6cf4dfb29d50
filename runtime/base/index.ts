// The shared base: errors, validation, Arrow helpers and time. It imports nothing of drls,
// and every other folder may import it.
export * from './errors.js';
export { ERROR_CODES, type ErrorCode } from './error-codes.js';
export { errorMessage } from './error-message.js';
export * from './validators.js';
export { batchByteLength, toRecordBatches, schemaSignature, type BatchInput } from './arrow.js';
export { systemClock, type Clock } from './clock.js';
export { packageRoot } from './package-root.js';
export { PayloadPool, payloadPool, receivedSharedMemory, type PayloadPoolStats } from './payload-pool.js';
