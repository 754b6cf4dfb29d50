import { InvalidRemoteError } from '../../runtime/base/index.js';

export interface RemoteAddress {
  readonly host: string;
  readonly port: number;
  /** Extra `;key=value` parameters of the URL (token, user_id, use_ssl...). */
  readonly params: Readonly<Record<string, string>>;
  /** The address as given, its token (if any) replaced by `***`: safe for logs and errors. */
  readonly text: string;
}

/** Parse `sc://host[:port][/;key=value;...]` (Spark Connect's connection string; port 15002 by default). */
export function parseRemote(text: string): RemoteAddress {
  // Secrets never reach an error or a log line: the token is masked in every text kept.
  const safe = String(text).replace(/(;token=)[^;]*/i, '$1***');
  if (typeof text !== 'string' || !text.startsWith('sc://')) {
    throw new InvalidRemoteError(safe, 'it must start with sc://');
  }
  const rest = text.slice('sc://'.length);
  const [hostPort = '', ...paramParts] = rest.replace(/^([^/;]*)\/?/, '$1').split(';');
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d+))?$/.exec(hostPort);
  if (!m?.[1]) throw new InvalidRemoteError(safe, `"${hostPort}" is not a host[:port]`);
  const port = m[2] === undefined ? 15002 : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidRemoteError(safe, `port ${m[2]} is out of range 1-65535`);
  }
  const params: Record<string, string> = {};
  for (const p of paramParts) {
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) throw new InvalidRemoteError(safe, `parameter "${p}" is not key=value`);
    params[p.slice(0, eq)] = decodeURIComponent(p.slice(eq + 1));
  }
  return { host: m[1], port, params, text: safe };
}
