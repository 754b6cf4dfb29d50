import type { Clock } from './base/index.js';

/**
 * Message protocol types. A protocol is a union of objects tagged by `type`. A message
 * that expects an answer carries a `reply: Reply<R>`; the handle builds that reply when
 * the caller uses `ask()`, so callers never construct it and the answer type flows from
 * the message type to the caller.
 */
export interface Reply<R> {
  resolve(value: R): void;
  reject(error: unknown): void;
  /** True once resolved or rejected; later calls are ignored. */
  readonly settled: boolean;
}

export interface Message {
  readonly type: string;
}

/** The members of protocol `M` whose `type` is `T`. */
export type MessageOfType<M extends Message, T extends M['type']> = Extract<M, { type: T }>;

/** What a caller passes: the message without its reply (the handle adds it). */
export type Outgoing<M> = M extends { reply: Reply<unknown> } ? Omit<M, 'reply'> : M;

/** The answer type of a message, `void` for fire-and-forget messages. */
export type ReplyOf<M> = M extends { reply: Reply<infer R> } ? R : void;

/** Message types of `M` that expect an answer. */
export type AskableType<M extends Message> = Extract<M, { reply: Reply<unknown> }>['type'];

/**
 * The reply of an `ask`: settles its promise once, and leaves the set of replies its actor
 * still owes. A class rather than closures: asks are the hot path of every actor.
 */
export class PendingReply<R> implements Reply<R> {
  readonly promise: Promise<R>;
  timer: unknown;
  readonly #clock: Clock | undefined;
  #resolve!: (value: R) => void;
  #reject!: (error: unknown) => void;
  #owedBy: Set<Reply<unknown>> | undefined;
  #settled = false;

  constructor(owedBy?: Set<Reply<unknown>>, clock?: Clock) {
    this.#clock = clock;
    this.promise = new Promise<R>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#owedBy = owedBy;
    owedBy?.add(this as Reply<unknown>);
  }

  get settled(): boolean {
    return this.#settled;
  }

  resolve(value: R): void {
    if (this.#settle()) this.#resolve(value);
  }

  reject(error: unknown): void {
    if (this.#settle()) this.#reject(error);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#owedBy?.delete(this as Reply<unknown>);
    if (this.timer !== undefined) this.#clock?.clearTimeout(this.timer);
    return true;
  }
}

/** A reply nobody waits for (a `tell` of an askable message); failures go to `onError`. */
export function detachedReply<R>(onError: (error: unknown) => void): Reply<R> {
  let settled = false;
  return {
    resolve() {
      settled = true;
    },
    reject(error) {
      if (settled) return;
      settled = true;
      onError(error);
    },
    get settled() {
      return settled;
    },
  };
}
