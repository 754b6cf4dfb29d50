import {
  ActorCrashedError,
  ActorExistsError,
  ActorNotFoundError,
  ActorStoppedError,
  AskTimeoutError,
  RuntimeStoppedError,
  checkNonEmptyString,
  checkObject,
  checkOneOf,
  checkOptionalString,
  errorMessage,
  systemClock,
  type Clock,
} from './base/index.js';
import { ActorHandle, type ActorPort } from './actor-handle.js';
import {
  SUPERVISION_POLICIES,
  type ActorContext,
  type Behavior,
  type SpawnOptions,
  type SupervisionPolicy,
} from './behavior.js';
import { PendingReply, detachedReply, type Message, type Reply } from './message.js';
import { nactApi, type NactRef } from './nact-adapter.js';

/** An error thrown by an actor that nobody was waiting for (a crashed `tell`). */
export interface ActorErrorEvent {
  readonly actorName: string;
  readonly error: unknown;
}

export type ActorErrorListener = (event: ActorErrorEvent) => void;

/**
 * A named-actor system on nact: Ray's named actors for one Node process. Every actor is
 * a direct child of the nact system root, which never handles messages itself, so the
 * number of named actors does not slow messaging (nact copies the children map of the
 * actor handling a message, and named actors have none).
 */
export interface ActorRuntimeOptions {
  /** Names this runtime in metric labels (`runtime`); default `runtime-<n>` (`default` for the default runtime). */
  name?: string;
  /** Where timers come from; default the system clock. Tests inject their own. */
  clock?: Clock;
}

let runtimes = 0;

export class ActorRuntime {
  readonly name: string;
  readonly clock: Clock;
  readonly #system: NactRef;
  readonly #cells = new Map<string, ActorCell>();
  readonly #errorListeners = new Set<ActorErrorListener>();
  #stopped = false;

  constructor(options: ActorRuntimeOptions = {}) {
    checkObject(options, 'options');
    checkOptionalString(options.name, 'options.name');
    this.name = options.name ?? `runtime-${++runtimes}`;
    this.clock = options.clock ?? systemClock;
    this.#system = nactApi.start();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Start a new actor under a unique name. */
  spawn<M extends Message, S>(name: string, behavior: Behavior<M, S>, options: SpawnOptions = {}): ActorHandle<M> {
    this.#assertRunning();
    checkNonEmptyString(name, 'an actor name');
    const supervision = checkSupervision(options.supervision);
    if (this.#cells.has(name)) throw new ActorExistsError(name);
    const cell = new ActorCell(name, supervision, this.clock, (event) => this.#reportError(event), () => this.#cells.delete(name));
    this.#cells.set(name, cell);
    try {
      cell.start(this.#system, behavior as unknown as Behavior<Message, unknown>);
    } catch (err) {
      this.#cells.delete(name);
      throw err;
    }
    return cell.handle as ActorHandle<M>;
  }

  /** Look an actor up by name, as Ray's `get_actor`. */
  getActor<M extends Message>(name: string): ActorHandle<M> {
    this.#assertRunning();
    const cell = this.#cells.get(name);
    if (!cell) throw new ActorNotFoundError(name);
    return cell.handle as ActorHandle<M>;
  }

  /** The actor named `name`, spawned from `create()` if there is none yet. */
  getOrCreate<M extends Message, S>(name: string, create: () => Behavior<M, S>, options: SpawnOptions = {}): ActorHandle<M> {
    this.#assertRunning();
    const cell = this.#cells.get(name);
    if (cell) return cell.handle as ActorHandle<M>;
    return this.spawn(name, create(), options);
  }

  has(name: string): boolean {
    return this.#cells.has(name);
  }

  /** Names of the live actors, in spawn order. */
  list(): string[] {
    return [...this.#cells.keys()];
  }

  /** Stop an actor; its pending and queued asks reject with ActorStoppedError. False when there was none. */
  stop(name: string): boolean {
    const cell = this.#cells.get(name);
    if (!cell) return false;
    cell.stop('stopped');
    return true;
  }

  /** Receive errors thrown by actors for messages nobody awaited. Returns an unsubscribe function. */
  onActorError(listener: ActorErrorListener): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Stop every actor and the nact system. Idempotent. */
  shutdown(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const cell of [...this.#cells.values()]) cell.stop('runtime shut down');
    nactApi.stop(this.#system);
  }

  #assertRunning(): void {
    if (this.#stopped) throw new RuntimeStoppedError();
  }

  #reportError(event: ActorErrorEvent): void {
    if (this.#errorListeners.size === 0) {
      // Never swallowed: with no listener the error becomes a process warning.
      process.emitWarning(`drls actor "${event.actorName}" failed: ${String((event.error as Error)?.stack ?? event.error)}`, {
        code: 'DRLS_ACTOR_ERROR',
      });
      return;
    }
    for (const listener of this.#errorListeners) listener(event);
  }
}

// Rounds of follow-up messages one delivery may handle, and microtask ticks to wait for each.
const MAX_ROUNDS = 64;
const SETTLE_TICKS = 4;

/** One live actor: its nact ref, its handle, and the replies it still owes. */
class ActorCell implements ActorPort {
  readonly name: string;
  readonly handle: ActorHandle<Message>;
  readonly #supervision: SupervisionPolicy;
  readonly #clock: Clock;
  readonly #report: (event: ActorErrorEvent) => void;
  readonly #unregister: () => void;
  readonly #owed = new Set<Reply<unknown>>();
  #ref: NactRef | undefined;
  #behavior: Behavior<Message, unknown> | undefined;
  #state: unknown;
  #ctx: ActorContext<Message> | undefined;
  #outbox: Message[] = [];
  /** A delivery is with nact or being handled; new messages wait in the outbox. */
  #scheduled = false;
  #alive = true;

  constructor(
    name: string,
    supervision: SupervisionPolicy,
    clock: Clock,
    report: (event: ActorErrorEvent) => void,
    unregister: () => void,
  ) {
    this.name = name;
    this.#supervision = supervision;
    this.#clock = clock;
    this.#report = report;
    this.#unregister = unregister;
    this.handle = ActorHandle.create<Message>(this);
  }

  get alive(): boolean {
    return this.#alive;
  }

  start(system: NactRef, behavior: Behavior<Message, unknown>): void {
    this.#behavior = behavior;
    this.#ctx = { name: this.name, self: this.handle };
    this.#ref = nactApi.spawn<unknown>(system, (state, delivery) => this.#run(state, delivery as Message[]), this.name, {
      initialStateFunc: () => (this.#state = behavior.init(this.#ctx!)),
      // Handlers' errors are caught in #deliver; this only guards the runtime's own code.
      onCrash: (_msg, error, sctx) => {
        this.#report({ actorName: this.name, error });
        return sctx.resume;
      },
      afterStop: () => undefined,
    });
  }

  tell(message: Message): void {
    if (!this.#alive) return this.#report({ actorName: this.name, error: new ActorStoppedError(this.name) });
    const withReply = 'reply' in message ? message : { ...message, reply: detachedReply((error) => this.#report({ actorName: this.name, error })) };
    this.#post(withReply);
  }

  ask(message: Message, timeoutMs: number | undefined): Promise<unknown> {
    if (!this.#alive) return Promise.reject(new ActorStoppedError(this.name));
    const reply = new PendingReply<unknown>(this.#owed, this.#clock);
    if (timeoutMs !== undefined) {
      reply.timer = this.#clock.setTimeout(() => reply.reject(new AskTimeoutError(this.name, message.type, timeoutMs)), timeoutMs);
    }
    this.#post({ ...message, reply } as Message);
    return reply.promise;
  }

  /**
   * Messages wait in an outbox while a delivery is with nact, and go to nact together as
   * the next delivery: nact hands each of its messages over on a new turn of the event
   * loop (setImmediate), and one delivery at a time per actor keeps messages in order.
   */
  #post(message: Message): void {
    this.#outbox.push(message);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#dispatch());
  }

  #dispatch(): void {
    if (!this.#alive || this.#outbox.length === 0) {
      this.#scheduled = false;
      return;
    }
    const delivery = this.#outbox;
    this.#outbox = [];
    nactApi.dispatch(this.#ref!, delivery);
  }

  /**
   * Handle a delivery, then keep handling what its answers provoke while that comes back
   * within a few microtask ticks (a producer's next publish, a consumer's next pull),
   * for at most MAX_ROUNDS rounds: a ping-pong between callers and this actor then costs
   * microtasks instead of event-loop turns, and I/O still gets its turn.
   */
  async #run(state: unknown, delivery: Message[]): Promise<unknown> {
    state = await this.#deliver(state, delivery, 0);
    for (let round = 0; round < MAX_ROUNDS && this.#alive; round++) {
      for (let tick = 0; tick < SETTLE_TICKS && this.#outbox.length === 0; tick++) await undefined;
      if (this.#outbox.length === 0) break;
      const next = this.#outbox;
      this.#outbox = [];
      state = await this.#deliver(state, next, 0);
    }
    // Whatever arrived after the last round goes to nact as the next delivery.
    queueMicrotask(() => this.#dispatch());
    return state;
  }

  /** Hand a delivery's messages to the behaviour one at a time, awaiting async handlers. */
  #deliver(state: unknown, messages: Message[], from: number): unknown {
    const behavior = this.#behavior!;
    for (let i = from; i < messages.length; i++) {
      if (!this.#alive) return state;
      const message = messages[i]!;
      let next: unknown;
      try {
        next = behavior.receive(state, message, this.#ctx!);
      } catch (error) {
        state = this.#supervise(state, message, error);
        continue;
      }
      if (next instanceof Promise) {
        return next.then(
          (s: unknown) => this.#deliver((this.#state = s), messages, i + 1),
          (error: unknown) => this.#deliver(this.#supervise(state, message, error), messages, i + 1),
        );
      }
      state = this.#state = next;
    }
    return state;
  }

  /** Apply the supervision policy to a crash; returns the state to go on with. */
  #supervise(state: unknown, message: Message, error: unknown): unknown {
    this.#crashed(message, error);
    switch (this.#supervision) {
      case 'resume':
        return state;
      case 'restart':
        this.#behavior!.stopped?.(state, this.#ctx!);
        return (this.#state = this.#behavior!.init(this.#ctx!));
      case 'stop':
        this.stop(`crashed: ${errorMessage(error)}`);
        return state;
    }
  }

  stop(reason: string): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#unregister();
    try {
      if (this.#ctx) this.#behavior?.stopped?.(this.#state, this.#ctx);
    } finally {
      const error = new ActorStoppedError(this.name, reason);
      for (const reply of [...this.#owed]) reply.reject(error);
      if (this.#ref) nactApi.stop(this.#ref);
    }
  }

  #crashed(msg: unknown, error: unknown): void {
    const reply = (msg as { reply?: Reply<unknown> } | undefined)?.reply;
    const crash = new ActorCrashedError(this.name, error);
    // The asker of the failing message gets the error; a tell's error goes to the listeners.
    if (reply) reply.reject(crash);
    else this.#report({ actorName: this.name, error: crash });
  }
}

function checkSupervision(policy: unknown): SupervisionPolicy {
  if (policy === undefined) return 'restart';
  checkOneOf(policy, 'options.supervision', SUPERVISION_POLICIES);
  return policy;
}
