import { InvalidArgumentError, checkTimeout } from './base/index.js';
import type { AskableType, Message, MessageOfType, Outgoing, ReplyOf } from './message.js';

export interface AskOptions {
  /** Reject with AskTimeoutError when no answer came within this many milliseconds. */
  timeoutMs?: number;
}

/** @internal The runtime's side of a handle; never exported from the package. */
export interface ActorPort {
  readonly name: string;
  readonly alive: boolean;
  tell(message: Message): void;
  ask(message: Message, timeoutMs: number | undefined): Promise<unknown>;
}

/**
 * A typed reference to a named actor: the only way to talk to one. Holding a handle does
 * not keep the actor alive; talking to a stopped actor rejects with ActorStoppedError.
 */
export class ActorHandle<M extends Message> {
  readonly #port: ActorPort;

  private constructor(port: ActorPort) {
    this.#port = port;
  }

  /** @internal Made by the library only. */
  static create<M extends Message>(port: ActorPort): ActorHandle<M> {
    return new ActorHandle<M>(port);
  }

  get name(): string {
    return this.#port.name;
  }

  /** False once the actor has stopped. */
  get alive(): boolean {
    return this.#port.alive;
  }

  /** Fire and forget. Errors of an askable message sent this way go to the runtime's error listeners. */
  tell<T extends M['type']>(message: { type: T } & Outgoing<MessageOfType<M, T>>): void {
    this.#port.tell(checkMessage(message));
  }

  /** Send a message and await its answer. */
  ask<T extends AskableType<M>>(
    message: { type: T } & Outgoing<MessageOfType<M, T>>,
    options: AskOptions = {},
  ): Promise<ReplyOf<MessageOfType<M, T>>> {
    const { timeoutMs } = options;
    checkTimeout(timeoutMs, 'options.timeoutMs');
    return this.#port.ask(checkMessage(message), timeoutMs) as Promise<ReplyOf<MessageOfType<M, T>>>;
  }
}

function checkMessage<T extends Message>(message: T): T {
  if (message === null || typeof message !== 'object' || typeof message.type !== 'string') {
    throw new InvalidArgumentError('a message must be an object with a string "type", e.g. handle.ask({ type: "stats" })');
  }
  return message;
}
