import { BridgeEndpoint, type EndpointOptions, type RegisterOptions, type StreamRegistration } from '../bridge/endpoint/index.js';
import { runtime as defaultRuntime, type ActorHandle, type ActorRuntime, type Reply } from '../runtime/index.js';

/** The name of the JVM-bridge actor in its runtime. */
export const JVM_BRIDGE_ACTOR = 'drls_jvm_bridge';

type BridgeMessage =
  | { type: 'register'; streamId: string; options: RegisterOptions; reply: Reply<StreamRegistration> }
  | { type: 'unregister'; streamId: string; reply: Reply<void> }
  | { type: 'address'; reply: Reply<{ host: string; port: number }> };

interface BridgeState {
  readonly endpoint: Promise<BridgeEndpoint>;
}

export interface JvmBridgeOptions extends EndpointOptions {
  runtime?: ActorRuntime;
}

/** Bridges whose endpoint could not start: the next get() replaces them instead of reusing them. */
const failedBridges = new WeakSet<ActorHandle<BridgeMessage>>();

/**
 * The JVM-bridge actor: owns the TCP endpoint the drls connector in Spark talks to (on
 * 127.0.0.1 and a free port by default) and routes each stream's connections to the
 * targets registered for it. One per runtime, started on first use.
 */
export class JvmBridge {
  readonly #actor: ActorHandle<BridgeMessage>;

  private constructor(actor: ActorHandle<BridgeMessage>) {
    this.#actor = actor;
  }

  /** The runtime's bridge, started with `options` if it is not running yet. */
  static get(options: JvmBridgeOptions = {}): JvmBridge {
    const { runtime, ...endpointOptions } = options;
    const rt = runtime ?? defaultRuntime();
    // A bridge whose endpoint failed to start keeps answering with that error; the next get()
    // starts afresh, with its own options, instead of repeating the failure for ever.
    if (rt.has(JVM_BRIDGE_ACTOR) && failedBridges.has(rt.getActor<BridgeMessage>(JVM_BRIDGE_ACTOR))) rt.kill(JVM_BRIDGE_ACTOR);
    let self: ActorHandle<BridgeMessage> | undefined;
    const actor = rt.getOrCreate<BridgeMessage, BridgeState>(
      JVM_BRIDGE_ACTOR,
      () => ({
        init: () => {
          const endpoint = BridgeEndpoint.start(endpointOptions);
          // Reported to every ask below. (The listen fails asynchronously: `self` is set by then.)
          endpoint.catch(() => self && failedBridges.add(self));
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
      }),
      { supervision: 'resume' },
    );
    self = actor;
    return new JvmBridge(actor);
  }

  /** Accept connections for `streamId`; the registration says which options the connector needs. */
  register(streamId: string, options: RegisterOptions): Promise<StreamRegistration> {
    return this.#actor.ask({ type: 'register', streamId, options });
  }

  unregister(streamId: string): Promise<void> {
    return this.#actor.alive ? this.#actor.ask({ type: 'unregister', streamId }) : Promise.resolve();
  }

  address(): Promise<{ host: string; port: number }> {
    return this.#actor.ask({ type: 'address' });
  }
}
