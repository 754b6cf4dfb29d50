import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { InvalidArgumentError, checkObject, errorMessage } from '../../runtime/base/index.js';

/** TLS on the endpoint: what it serves, and the CA the connector is told to trust. */
export interface EndpointTlsOptions {
  /** The endpoint's private key, PEM (unencrypted). */
  key: string | Uint8Array;
  /**
   * Its certificate, PEM, optionally followed by intermediates. Its subjectAltName must name the
   * host the connector dials (the advertised host, or IP), which the connector verifies.
   */
  cert: string | Uint8Array;
  /**
   * PEM of the CA that issued `cert`. It is passed to the connector (option `tlsCa`), which trusts
   * this CA and nothing else.
   */
  ca: string | Uint8Array;
}

/** The checked TLS options: PEM text for Node's TLS server, and the CA to hand to the connector. */
export interface TlsSettings {
  readonly key: string;
  readonly cert: string;
  readonly caPem: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Checks `options.tls` (under the name the caller knows it by) and that it can work: a key that
 * belongs to the certificate, a CA that issued it, and a certificate naming `advertisedHost` when
 * given. Messages name the option and never quote a key.
 */
export function checkTlsOptions(value: unknown, name: string, advertisedHost?: string): TlsSettings {
  checkObject(value, name);
  const tls = value as Partial<Record<keyof EndpointTlsOptions, unknown>>;
  const key = pemText(tls.key, `${name}.key`);
  const cert = pemText(tls.cert, `${name}.cert`);
  const caPem = pemText(tls.ca, `${name}.ca`);

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new InvalidArgumentError(`${name}.key must be an unencrypted PEM private key (${reason(err)})`);
  }
  const chain = certificates(cert, `${name}.cert`).parsed;
  const leaf = chain[0]!;
  if (!leaf.checkPrivateKey(privateKey)) throw new InvalidArgumentError(`${name}.key is not the private key of ${name}.cert`);
  const { parsed: cas, pem: caBlocks } = certificates(caPem, `${name}.ca`);
  // The connector builds a path from the chain the endpoint sends to a CA in `ca`: the chain's last
  // certificate must be one of them or issued by one.
  const top = chain[chain.length - 1]!;
  const anchored = cas.some((ca) => ca.fingerprint256 === top.fingerprint256 || (top.checkIssued(ca) && top.verify(ca.publicKey)));
  if (!anchored) {
    throw new InvalidArgumentError(`${name}.ca did not issue ${name}.cert (issuer "${top.issuer.replace(/\n/g, ', ')}"): the connector trusts only ${name}.ca and would refuse this endpoint`);
  }
  if (advertisedHost !== undefined) {
    const named = isIP(advertisedHost) ? leaf.checkIP(advertisedHost) : leaf.checkHost(advertisedHost);
    if (named === undefined) {
      throw new InvalidArgumentError(
        `${name}.cert does not name "${advertisedHost}", the host the connector dials and verifies ` +
          `(its subjectAltName: ${leaf.subjectAltName ?? 'none'}); give a certificate for it, or set advertisedHost`,
      );
    }
  }
  // Only the certificates go to the connector: a CA file that also holds a key must not leak it into Spark.
  return { key, cert, caPem: caBlocks };
}

/** A PEM string or its bytes, as text; the value itself is never quoted (it may be a key). */
function pemText(value: unknown, name: string): string {
  const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') : undefined;
  if (text === undefined) throw new InvalidArgumentError(`${name} must be PEM text (a string or Buffer), got ${value === null ? 'null' : typeof value}`);
  if (!text.includes('-----BEGIN ')) throw new InvalidArgumentError(`${name} must be PEM text (-----BEGIN ...), got ${text.length === 0 ? 'an empty value' : 'something else'}`);
  return text;
}

/** The PEM certificates in `pem`, parsed, and as PEM text holding nothing else. */
function certificates(pem: string, name: string): { parsed: X509Certificate[]; pem: string } {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new InvalidArgumentError(`${name} must hold a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  const parsed = blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new InvalidArgumentError(`${name}: certificate ${i + 1} does not parse (${reason(err)})`);
    }
  });
  return { parsed, pem: `${blocks.join('\n')}\n` };
}

/** OpenSSL's reason without its source locations; no input is ever part of it. */
function reason(err: unknown): string {
  const r = (err as { reason?: unknown }).reason;
  return typeof r === 'string' ? r : errorMessage(err).split('\n')[0]!;
}
