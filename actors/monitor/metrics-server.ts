import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { checkNonEmptyString, InvalidArgumentError, checkIntegerInRange } from '../../runtime/base/index.js';
import { metricsRegistry } from './stream-metrics.js';

export interface ServeMetricsOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default '127.0.0.1'. Another host needs a token. */
  host?: string;
  /** Default: drls's own registry. */
  registry?: Registry;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
}

export interface MetricsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Serve Prometheus metrics on `http://host:port/metrics`. */
export async function serveMetrics(options: ServeMetricsOptions = {}): Promise<MetricsServer> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  checkIntegerInRange(port, 'options.port', 0, 65535);
  checkNonEmptyString(host, 'options.host');
  if (!LOOPBACK.has(host) && !options.token) {
    throw new InvalidArgumentError(`options.token is required when options.host (${host}) is not a loopback address`);
  }
  const registry = options.registry ?? metricsRegistry;
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;

  const server: Server = createServer((req, res) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401).end('unauthorized\n');
        return;
      }
    }
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found: try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(`metrics failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
