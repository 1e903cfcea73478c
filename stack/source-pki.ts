import fs from 'node:fs';
import path from 'node:path';
import { openssl, signed } from './control-plane/pki.js';

/** The stack's CA for the sources it serves over https, and the server's certificate. */
export interface SourcePki {
  /** The CA certificate (PEM): what workers get as `STEWARD_CA_BUNDLE`. */
  caCert: string;
  caKey: string;
  /** Serving certificate and key for 127.0.0.1, ::1 and localhost. */
  serverCert: string;
  serverKey: string;
}

/**
 * Creates (once) in `dir` a CA of its own (not the API server's) and a serving certificate for the
 * simulator's https archive and Horizon roots, with the openssl CLI as the control plane's PKI does.
 * Existing files are reused. Throws naming openssl when it is missing.
 */
export function ensureSourcePki(dir: string): SourcePki {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string): string => path.join(dir, name);
  const pki: SourcePki = { caCert: file('sources-ca.crt'), caKey: file('sources-ca.key'), serverCert: file('sources.crt'), serverKey: file('sources.key') };
  if (!fs.existsSync(pki.caCert)) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', pki.caKey, '-out', pki.caCert, '-days', '3650', '-subj', '/CN=stellar-steward-sources-ca']);
  }
  if (!fs.existsSync(pki.serverCert)) {
    signed(pki, pki.serverKey, pki.serverCert, '/CN=stellar-steward-sources', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost');
  }
  return pki;
}
