import type { ActorHandle } from './actor-handle.js';
import type { Message } from './message.js';

/** What a behaviour can see of itself while it handles a message. */
export interface ActorContext<M extends Message> {
  readonly name: string;
  readonly self: ActorHandle<M>;
}

/**
 * An actor's behaviour: an initial state and a reducer over messages. `receive` may be
 * async; the actor handles one message at a time, so a handler that must wait for
 * something (room in a buffer, say) keeps the message's `reply` in its state and
 * returns at once, instead of awaiting and blocking its own mailbox.
 */
export interface Behavior<M extends Message, S> {
  init(ctx: ActorContext<M>): S;
  receive(state: S, message: M, ctx: ActorContext<M>): S | Promise<S>;
  /** Called once when the actor stops (killed, crashed under 'stop', runtime shut down). */
  stopped?(state: S, ctx: ActorContext<M>): void;
}

/**
 * What happens to an actor whose handler throws. In every case the error reaches the
 * asker of the failing message (or the runtime's error listeners for a `tell`).
 * - resume: keep the state, go on with the next message;
 * - restart: drop the state, start again from `init()`;
 * - stop: stop the actor; queued messages are answered with ActorStoppedError.
 */
export type SupervisionPolicy = 'resume' | 'restart' | 'stop';

export const SUPERVISION_POLICIES: readonly SupervisionPolicy[] = ['resume', 'restart', 'stop'];

export interface SpawnOptions {
  /** Default 'restart'. */
  supervision?: SupervisionPolicy;
}
