// One keep-alive HTTPS agent per set of TLS credentials. @kubernetes/client-node's applyToHTTPSOptions
// gives every request a new https.Agent, so every request opened a new connection: a TLS handshake and a
// new SecureContext, whose client key and CA are parsed again. Profiling the worker at 100 pools
// (bench/scale.ts, --cpu-prof) put about 40% of its main thread's CPU there.
import https from 'node:https';
import tls from 'node:tls';

/** The TLS material of request options, as one comparable key. */
function credentialsKey(options: https.RequestOptions): string {
  const part = (value: unknown): string => {
    if (value === undefined || value === null) return '';
    if (Buffer.isBuffer(value)) return value.toString('base64');
    if (Array.isArray(value)) return value.map(part).join('|');
    return String(value);
  };
  return [options.ca, options.cert, options.key, options.pfx, options.passphrase, options.rejectUnauthorized, options.servername].map(part).join('\u0000');
}

/**
 * Hands out one keep-alive agent, with one SecureContext, while the credentials stay the same; a rotated
 * certificate or key (read again from the kubeconfig's files for each request) gets a new agent, and the
 * old one's idle connections close after `idleMs`.
 */
export class KeepAliveAgents {
  private key: string | undefined;
  private agent: https.Agent | undefined;

  constructor(private readonly idleMs = 30_000) {}

  /** Moves the TLS material of `options` into a shared agent: the options keep only what varies per request. */
  apply(options: https.RequestOptions): void {
    const key = credentialsKey(options);
    if (!this.agent || key !== this.key) {
      const secureContext = tls.createSecureContext({ ca: options.ca, cert: options.cert, key: options.key, pfx: options.pfx, passphrase: options.passphrase });
      this.agent = new https.Agent({
        keepAlive: true, timeout: this.idleMs, secureContext, rejectUnauthorized: options.rejectUnauthorized, servername: options.servername,
      });
      this.key = key;
    }
    for (const field of ['ca', 'cert', 'key', 'pfx', 'passphrase'] as const) delete options[field];
    options.agent = this.agent;
  }
}
