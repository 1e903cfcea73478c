import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Paths of the throwaway certificates and keys of a local control plane. */
export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  /** Client certificate pairs by user name. */
  clients: Record<string, { cert: string; key: string }>;
}

/** Client identities: CN (user) and O (groups). */
export const CLIENTS: Record<string, { cn: string; groups: string[] }> = {
  admin: { cn: 'steward-admin', groups: ['system:masters'] },
  'controller-manager': { cn: 'system:kube-controller-manager', groups: [] },
  scheduler: { cn: 'system:kube-scheduler', groups: [] },
  kwok: { cn: 'steward-kwok', groups: ['system:masters'] },
};

/**
 * Creates (once) a CA, the API server's serving certificate (SANs 127.0.0.1, localhost and the first
 * Service IP), client certificates for every component, and the service-account key pair, with the
 * openssl CLI. Existing files are reused. Throws naming openssl when it is missing.
 */
export function ensurePki(dir: string, firstServiceIp: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string): string => path.join(dir, name);
  const pki: Pki = {
    dir, caCert: file('ca.crt'), caKey: file('ca.key'), serverCert: file('apiserver.crt'), serverKey: file('apiserver.key'),
    serviceAccountKey: file('sa.key'), serviceAccountPub: file('sa.pub'), clients: {},
  };
  if (!fs.existsSync(pki.caCert)) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', pki.caKey, '-out', pki.caCert, '-days', '3650', '-subj', '/CN=stellar-steward-local-ca']);
  }
  if (!fs.existsSync(pki.serverCert)) {
    const san = `subjectAltName=IP:127.0.0.1,DNS:localhost,IP:${firstServiceIp},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc`;
    signed(pki, pki.serverKey, pki.serverCert, '/CN=kube-apiserver', san);
  }
  for (const [name, identity] of Object.entries(CLIENTS)) {
    const cert = file(`${name}.crt`);
    const key = file(`${name}.key`);
    if (!fs.existsSync(cert)) {
      const subject = `/CN=${identity.cn}${identity.groups.map((g) => `/O=${g}`).join('')}`;
      signed(pki, key, cert, subject, 'extendedKeyUsage=clientAuth');
    }
    pki.clients[name] = { cert, key };
  }
  if (!fs.existsSync(pki.serviceAccountKey)) {
    openssl(['genrsa', '-out', pki.serviceAccountKey, '2048']);
    openssl(['rsa', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub]);
  }
  return pki;
}

/** Makes a key and a certificate for `subject` signed by the CA of `pki`, with one X.509 extension line. */
export function signed(pki: Pick<Pki, 'caCert' | 'caKey'>, key: string, cert: string, subject: string, extension: string): void {
  const csr = `${cert}.csr`;
  const ext = `${cert}.ext`;
  fs.writeFileSync(ext, `${extension}\n`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject]);
  openssl(['x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial', '-out', cert, '-days', '3650', '-extfile', ext]);
  fs.rmSync(csr);
  fs.rmSync(ext);
}

/** Runs the openssl CLI; throws an Error saying how to install it when it fails. */
export function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`openssl ${args[0]} failed (${(error as Error).message.split('\n')[0]}): install openssl ('apt-get install openssl')`);
  }
}
