import type { StreamBuffer, StreamObserver } from './stream-buffer.js';
import type { CoordinatorStats } from './stream-coordinator-protocol.js';

/** One live coordinator, as the monitor sees it: read-only and labelled by its runtime. */
export interface LiveStream {
  readonly runtime: string;
  readonly streamId: string;
  stats(): CoordinatorStats;
  consumerLags(): Iterable<[string, number]>;
}

/** What a coordinator reports as it works; `removed` when it stops. */
export type StreamEvent =
  | { readonly type: 'published'; readonly stream: LiveStream; readonly waitedSeconds: number }
  | { readonly type: 'pulled'; readonly stream: LiveStream; readonly waitedSeconds: number }
  | { readonly type: 'removed'; readonly stream: LiveStream };

export type StreamListener = (event: StreamEvent) => void;

/**
 * The live coordinators of every runtime in this process, and whoever watches them. Keyed by
 * the coordinator itself, not its stream id, so two runtimes may use one id. Nothing here
 * knows Prometheus: the monitor subscribes, and with nobody listening an event costs one
 * check of an empty set.
 */
const live = new Set<LiveStream>();
const listeners = new Set<StreamListener>();

export function liveStreams(): ReadonlySet<LiveStream> {
  return live;
}

/** Hear every coordinator's events; returns the unsubscribe function. */
export function watchStreams(listener: StreamListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Track a coordinator's buffer from its start; the returned observer is what the buffer reports to. */
export function trackStream(runtime: string, streamId: string, buffer: () => StreamBuffer): { observer: StreamObserver; untrack(): void } {
  const stream: LiveStream = {
    runtime,
    streamId,
    stats: () => buffer().stats(),
    consumerLags: () => buffer().consumerLags(),
  };
  live.add(stream);
  const emit = (event: StreamEvent): void => {
    for (const listener of listeners) listener(event);
  };
  return {
    observer: {
      published(waitedSeconds) {
        if (listeners.size > 0) emit({ type: 'published', stream, waitedSeconds });
      },
      pulled(waitedSeconds) {
        if (listeners.size > 0) emit({ type: 'pulled', stream, waitedSeconds });
      },
    },
    untrack() {
      if (live.delete(stream)) emit({ type: 'removed', stream });
    },
  };
}
