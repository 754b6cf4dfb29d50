// Test certificates made at test time with the openssl CLI, in a scratch directory: no network,
// nothing checked in. EC P-256 keys, valid for two days.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EndpointTlsOptions } from '../../../bridge/endpoint/index.js';
import { scratchDir } from '../../support/scratch.js';

const run = promisify(execFile);

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir, timeout: 30_000 });
  } catch (err) {
    throw new Error(`openssl ${args[0]} failed (the TLS tests make their certificates with the openssl CLI): ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
}

/** A CA: its certificate (PEM) and where its key and certificate are, to sign with. */
export interface TestCa {
  readonly pem: string;
  readonly keyPath: string;
  readonly certPath: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA named `name`. */
export async function makeCa(name: string): Promise<TestCa> {
  const dir = await scratchDir('drls-tls-ca-');
  await writeFile(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  await openssl(dir, ['req', '-new', ...EC, '-keyout', 'ca.key', '-subj', `/CN=${name}`, '-out', 'ca.csr']);
  await openssl(dir, ['x509', '-req', '-in', 'ca.csr', '-signkey', 'ca.key', '-extfile', 'ca.ext', '-days', '2', '-out', 'ca.pem']);
  return { pem: await readFile(join(dir, 'ca.pem'), 'utf8'), keyPath: join(dir, 'ca.key'), certPath: join(dir, 'ca.pem') };
}

/** A server key and certificate issued by `ca`, naming `subjectAltName` (e.g. `IP:127.0.0.1`). */
export async function makeServerCert(ca: TestCa, subjectAltName = 'IP:127.0.0.1'): Promise<{ key: string; cert: string }> {
  const dir = await scratchDir('drls-tls-server-');
  await writeFile(
    join(dir, 'server.ext'),
    `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(dir, ['req', '-new', ...EC, '-keyout', 'server.key', '-subj', '/CN=drls test endpoint', '-out', 'server.csr']);
  const serial = `0x${randomBytes(8).toString('hex')}`;
  await openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', serial, '-extfile', 'server.ext', '-days', '2', '-out', 'server.pem']);
  return { key: await readFile(join(dir, 'server.key'), 'utf8'), cert: await readFile(join(dir, 'server.pem'), 'utf8') };
}

/** The endpoint options' `tls`, as PEM strings. */
export type TestTls = { [K in keyof EndpointTlsOptions]: string };

let shared: Promise<{ tls: TestTls; otherCa: string }> | undefined;

/**
 * The endpoint options' `tls` for 127.0.0.1 (a CA, and a certificate it issued naming IP 127.0.0.1),
 * and the PEM of another CA that issued nothing the endpoint serves. Made once per test process.
 */
export function testTls(): Promise<{ tls: TestTls; otherCa: string }> {
  shared ??= (async () => {
    const [ca, other] = await Promise.all([makeCa('drls test CA'), makeCa('drls other CA')]);
    const server = await makeServerCert(ca);
    return { tls: { ...server, ca: ca.pem }, otherCa: other.pem };
  })();
  return shared;
}
