import type { StreamCoordinator } from '../../actors/index.js';

/** What both bridge directions hand back to end a stream. */
export interface StreamHandle {
  readonly streamId: string;
  readonly coordinator: StreamCoordinator;
  /**
   * End the stream: stop its Spark query, let what is buffered be taken (waiting up to
   * `timeoutMs`, default 30 s), then release the coordinator and the endpoint's registration.
   * Idempotent: later calls return the first call's promise.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}
