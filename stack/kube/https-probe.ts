import fs from 'node:fs';
import https from 'node:https';
import type { CertPair } from './pki.js';

/** How a probe authenticates: the stack's CA and a client certificate, or none (self-signed component ports). */
export type ProbeTls = { caCert: string; client: CertPair } | 'self-signed';

/**
 * True when `GET url` answers 200 within `timeoutMs` (default 2000). Only for loopback URLs of the stack:
 * with `'self-signed'` the server's certificate is not verified (components serve a self-signed cert on
 * 127.0.0.1, and `/healthz` is open to anonymous requests).
 */
export function httpsOk(url: string, tls: ProbeTls, timeoutMs = 2000): Promise<boolean> {
  const options: https.RequestOptions = tls === 'self-signed'
    ? { rejectUnauthorized: false }
    : { ca: fs.readFileSync(tls.caCert), cert: fs.readFileSync(tls.client.cert), key: fs.readFileSync(tls.client.key) };
  return new Promise((resolve) => {
    const request = https.get(url, { ...options, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}
