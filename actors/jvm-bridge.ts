import type { ActorHandle, ActorRuntime, Reply } from '../runtime/index.js';

/** The name of the JVM-bridge actor in its runtime. */
export const JVM_BRIDGE_ACTOR = 'drls_jvm_bridge';

/**
 * What the JVM-bridge actor owns: the endpoint Spark's connector talks to. The actor is
 * given a way to start one (bridge/streaming passes the wire endpoint), so this layer
 * depends on nothing above it.
 */
export interface BridgedEndpoint<Options, Registration> {
  readonly host: string;
  readonly port: number;
  register(streamId: string, options: Options): Registration;
  unregister(streamId: string): void;
  close(): Promise<void>;
}

type BridgeMessage<O, R> =
  | { type: 'register'; streamId: string; options: O; reply: Reply<R> }
  | { type: 'unregister'; streamId: string; reply: Reply<void> }
  | { type: 'address'; reply: Reply<{ host: string; port: number }> };

// One bridge per runtime, so separate runtimes never share an endpoint or its failure.
const bridges = new WeakMap<ActorRuntime, JvmBridge<unknown, unknown>>();

/**
 * The JVM-bridge actor: owns the endpoint the drls connector in Spark talks to and routes
 * each stream's registration to it. One per runtime, started on first use; a bridge whose
 * endpoint failed to start is replaced by the next `get()`, with that call's options.
 */
export class JvmBridge<O, R> {
  readonly #runtime: ActorRuntime;
  readonly #actor: ActorHandle<BridgeMessage<O, R>>;
  #failed = false;

  private constructor(runtime: ActorRuntime, start: () => Promise<BridgedEndpoint<O, R>>) {
    this.#runtime = runtime;
    this.#actor = runtime.spawn<BridgeMessage<O, R>, { endpoint: Promise<BridgedEndpoint<O, R>> }>(
      JVM_BRIDGE_ACTOR,
      {
        init: () => {
          const endpoint = start();
          // Reported to every ask below; the next get() starts afresh.
          endpoint.catch(() => (this.#failed = true));
          return { endpoint };
        },
        async receive(state, msg) {
          try {
            const endpoint = await state.endpoint;
            switch (msg.type) {
              case 'register':
                msg.reply.resolve(endpoint.register(msg.streamId, msg.options));
                break;
              case 'unregister':
                endpoint.unregister(msg.streamId);
                msg.reply.resolve();
                break;
              case 'address':
                msg.reply.resolve({ host: endpoint.host, port: endpoint.port });
                break;
            }
          } catch (err) {
            msg.reply.reject(err);
          }
          return state;
        },
        stopped(state) {
          void state.endpoint.then((e) => e.close(), () => undefined);
        },
      },
      { supervision: 'resume' },
    );
  }

  /** The runtime's bridge; `start` makes its endpoint when the bridge is not running yet. */
  static get<O, R>(runtime: ActorRuntime, start: () => Promise<BridgedEndpoint<O, R>>): JvmBridge<O, R> {
    const current = bridges.get(runtime) as JvmBridge<O, R> | undefined;
    if (current && current.#actor.alive && !current.#failed) return current;
    if (current && current.#actor.alive) runtime.stop(JVM_BRIDGE_ACTOR);
    const bridge = new JvmBridge<O, R>(runtime, start);
    bridges.set(runtime, bridge as JvmBridge<unknown, unknown>);
    return bridge;
  }

  /** Accept connections for `streamId`. */
  register(streamId: string, options: O): Promise<R> {
    return this.#actor.ask({ type: 'register', streamId, options });
  }

  unregister(streamId: string): Promise<void> {
    return this.#actor.alive ? this.#actor.ask({ type: 'unregister', streamId }) : Promise.resolve();
  }

  address(): Promise<{ host: string; port: number }> {
    return this.#actor.ask({ type: 'address' });
  }

  /** Stop the bridge and close its endpoint (every stream's connections). */
  stop(): void {
    if (this.#actor.alive) this.#runtime.stop(JVM_BRIDGE_ACTOR);
  }
}
