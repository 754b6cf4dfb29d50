import { JvmBridge } from '../../actors/jvm-bridge.js';
import { InvalidArgumentError, checkOptionalString, checkObject } from '../../runtime/base/index.js';
import { runtime as defaultRuntime, type ActorRuntime } from '../../runtime/index.js';
import { WireEndpoint, advertisedHostOf, checkTlsOptions, type EndpointTlsOptions, type StreamRegistration, type StreamTargets } from '../endpoint/index.js';

/** Where the JVM connector reaches Node. */
export interface EndpointAddressOptions {
  /** Interface the endpoint binds; default '127.0.0.1'. Use '0.0.0.0' for a cluster. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The address executors should dial, when it differs from `host` (e.g. bound to 0.0.0.0). */
  advertisedHost?: string;
  /**
   * TLS for the endpoint off loopback: `{ key, cert, ca }`, PEM. The connector trusts only `ca`
   * and checks that `cert` names the host it dials (`advertisedHost`, or `host`).
   */
  tls?: EndpointTlsOptions;
}

/** The runtime's JVM bridge, as the bridged streams use it. */
export interface StreamBridge {
  register(streamId: string, options: StreamTargets): Promise<StreamRegistration>;
  unregister(streamId: string): Promise<void>;
  address(): Promise<{ host: string; port: number }>;
  stop(): void;
}

/** Checks `options.endpoint` as the caller wrote it (the endpoint checks again when it starts); `{}` when absent. */
export function checkEndpointAddress(endpoint: EndpointAddressOptions | undefined): EndpointAddressOptions {
  const options = endpoint ?? {};
  checkObject(options, 'options.endpoint');
  checkOptionalString(options.host, 'options.endpoint.host');
  checkOptionalString(options.advertisedHost, 'options.endpoint.advertisedHost');
  // Checked here too, so a bad key or certificate is named as the caller wrote it.
  if (options.tls !== undefined) checkTlsOptions(options.tls, 'options.endpoint.tls', advertisedHostOf(options.host ?? '127.0.0.1', options.advertisedHost));
  return options;
}

/** The runtime's JVM bridge over a wire endpoint; the endpoint options count when it is first started. */
export function streamBridge(options: { runtime?: ActorRuntime | undefined; endpoint?: EndpointAddressOptions | undefined } = {}): StreamBridge {
  const { host, port, advertisedHost, tls } = checkEndpointAddress(options.endpoint);
  const bridge = JvmBridge.get<StreamTargets, StreamRegistration>(options.runtime ?? defaultRuntime(), () => WireEndpoint.start({ host, port, advertisedHost, tls }));
  if (tls === undefined) return bridge;
  return {
    // The runtime's endpoint may have been started earlier without TLS: never let a stream that
    // asked for TLS go out in plain text.
    async register(streamId, targets) {
      const registration = await bridge.register(streamId, targets);
      if (registration.connectorOptions().tls === 'true') return registration;
      await bridge.unregister(streamId).catch(() => undefined);
      throw new InvalidArgumentError(
        "options.endpoint.tls was given, but this runtime's endpoint was started earlier without TLS (the endpoint options of a runtime's first stream count): " +
          'give tls from the first stream on, or use a runtime of its own (options.runtime)',
      );
    },
    unregister: (streamId) => bridge.unregister(streamId),
    address: () => bridge.address(),
    stop: () => bridge.stop(),
  };
}
