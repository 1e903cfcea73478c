import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A certificate and its private key (PEM file paths). */
export interface CertPair {
  cert: string;
  key: string;
}

/** The client identities of the control plane: the certificate's CN is the user, each O a group. */
export const CLIENT_IDENTITIES = {
  admin: { cn: 'steward-admin', groups: ['system:masters'] },
  'controller-manager': { cn: 'system:kube-controller-manager', groups: [] },
  scheduler: { cn: 'system:kube-scheduler', groups: [] },
  kwok: { cn: 'steward-kwok', groups: ['system:masters'] },
  provisioner: { cn: 'steward-provisioner', groups: ['system:masters'] },
} as const satisfies Record<string, { cn: string; groups: readonly string[] }>;

/** A client of the control plane that has its own certificate. */
export type KubeClient = keyof typeof CLIENT_IDENTITIES;

/** Paths of the throwaway CA, serving certificate, client certificates and service-account key pair. */
export interface Pki {
  dir: string;
  ca: CertPair;
  apiserver: CertPair;
  clients: Record<KubeClient, CertPair>;
  /** Signs service-account tokens (kube-apiserver) and is used by the token controller. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

/**
 * Creates, once, with the openssl CLI: a CA, the API server's serving certificate (SANs 127.0.0.1,
 * localhost, `firstServiceIp` and the `kubernetes.default.svc` names), a client certificate per
 * `CLIENT_IDENTITIES` entry and the service-account key pair. All keys are EC P-256 (fast to generate).
 * Existing files are reused; a missing CA regenerates everything. Throws naming openssl when a step fails.
 */
export function ensurePki(dir: string, firstServiceIp: string): Pki {
  const pki = pkiPaths(dir);
  if (!fs.existsSync(pki.ca.cert) || !fs.existsSync(pki.ca.key)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    createCa(pki.ca);
  }
  const serverSans = ['IP:127.0.0.1', 'DNS:localhost', `IP:${firstServiceIp}`, 'DNS:kubernetes', 'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'];
  ensureSigned(pki, pki.apiserver, '/CN=kube-apiserver', [`subjectAltName=${serverSans.join(',')}`, 'extendedKeyUsage=serverAuth']);
  for (const [name, identity] of Object.entries(CLIENT_IDENTITIES)) {
    const subject = `/CN=${identity.cn}${identity.groups.map((group) => `/O=${group}`).join('')}`;
    ensureSigned(pki, pki.clients[name as KubeClient], subject, ['extendedKeyUsage=clientAuth']);
  }
  if (!fs.existsSync(pki.serviceAccountKey) || !fs.existsSync(pki.serviceAccountPub)) {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pki.serviceAccountKey]);
    openssl(['pkey', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub]);
  }
  return pki;
}

/** The file paths of a PKI directory (pure: creates nothing). */
export function pkiPaths(dir: string): Pki {
  const pair = (name: string): CertPair => ({ cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) });
  const clients = Object.fromEntries(Object.keys(CLIENT_IDENTITIES).map((name) => [name, pair(name)])) as Record<KubeClient, CertPair>;
  return {
    dir,
    ca: pair('ca'),
    apiserver: pair('apiserver'),
    clients,
    serviceAccountKey: path.join(dir, 'service-account.key'),
    serviceAccountPub: path.join(dir, 'service-account.pub'),
  };
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function createCa(ca: CertPair): void {
  openssl(['req', '-x509', ...EC_KEY, '-keyout', ca.key, '-out', ca.cert, '-days', '3650', '-subj', '/CN=stellar-steward-local-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
}

function ensureSigned(pki: Pki, pair: CertPair, subject: string, extensions: string[]): void {
  if (fs.existsSync(pair.cert) && fs.existsSync(pair.key)) return;
  const csr = `${pair.cert}.csr`;
  const ext = `${pair.cert}.ext`;
  fs.writeFileSync(ext, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n'));
  try {
    openssl(['req', '-new', ...EC_KEY, '-keyout', pair.key, '-out', csr, '-subj', subject]);
    openssl(['x509', '-req', '-in', csr, '-CA', pki.ca.cert, '-CAkey', pki.ca.key, '-set_serial', randomSerial(),
      '-out', pair.cert, '-days', '3650', '-extfile', ext]);
  } finally {
    fs.rmSync(csr, { force: true });
    fs.rmSync(ext, { force: true });
  }
}

function randomSerial(): string {
  return `0x${crypto.randomBytes(8).toString('hex')}`;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    throw new Error(`kube PKI: 'openssl ${args[0]}' failed: ${detail}\n` +
      'Install OpenSSL 3 (apt-get install openssl), or delete the pki directory of the state dir to start over.');
  }
}
