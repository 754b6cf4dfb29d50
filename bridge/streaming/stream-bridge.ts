import { JvmBridge } from '../../actors/jvm-bridge.js';
import { checkOptionalString, checkObject } from '../../runtime/base/index.js';
import { runtime as defaultRuntime, type ActorRuntime } from '../../runtime/index.js';
import { WireEndpoint, type StreamRegistration, type StreamTargets } from '../endpoint/index.js';

/** Where the JVM connector reaches Node. */
export interface EndpointAddressOptions {
  /** Interface the endpoint binds; default '127.0.0.1'. Use '0.0.0.0' for a cluster. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The address executors should dial, when it differs from `host` (e.g. bound to 0.0.0.0). */
  advertisedHost?: string;
}

export type StreamBridge = JvmBridge<StreamTargets, StreamRegistration>;

/** The runtime's JVM bridge over a wire endpoint; the endpoint options count when it is first started. */
export function streamBridge(options: { runtime?: ActorRuntime | undefined; endpoint?: EndpointAddressOptions | undefined } = {}): StreamBridge {
  const endpoint = options.endpoint ?? {};
  checkObject(endpoint, 'options.endpoint');
  checkOptionalString(endpoint.advertisedHost, 'options.endpoint.advertisedHost');
  const { host, port, advertisedHost } = endpoint;
  return JvmBridge.get(options.runtime ?? defaultRuntime(), () => WireEndpoint.start({ host, port, advertisedHost }));
}
