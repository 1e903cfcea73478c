import fs from 'node:fs';
import YAML from 'yaml';
import type { CertPair } from './pki.js';

/** What a kubeconfig file needs: where the API server is, which CA it trusts, which client cert it uses. */
export interface KubeconfigSpec {
  server: string;
  caCert: string;
  client: CertPair;
  /** The user entry's name (informational; the API server takes the user from the certificate). */
  user: string;
  /** Embed the PEM data (default) so the file works from anywhere, or refer to the files by path. */
  embed?: boolean;
}

/** The kubeconfig document (as a plain object) for `spec`, with one cluster/user/context `steward-local`. */
export function kubeconfigDocument(spec: KubeconfigSpec): Record<string, unknown> {
  const embed = spec.embed ?? true;
  const b64 = (file: string): string => fs.readFileSync(file).toString('base64');
  const cluster = embed
    ? { server: spec.server, 'certificate-authority-data': b64(spec.caCert) }
    : { server: spec.server, 'certificate-authority': spec.caCert };
  const user = embed
    ? { 'client-certificate-data': b64(spec.client.cert), 'client-key-data': b64(spec.client.key) }
    : { 'client-certificate': spec.client.cert, 'client-key': spec.client.key };
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'steward-local', cluster }],
    users: [{ name: spec.user, user }],
    contexts: [{ name: 'steward-local', context: { cluster: 'steward-local', user: spec.user } }],
    'current-context': 'steward-local',
  };
}

/** Writes a kubeconfig file (mode 0600: it holds a private key) for `spec`. */
export function writeKubeconfig(file: string, spec: KubeconfigSpec): void {
  fs.writeFileSync(file, YAML.stringify(kubeconfigDocument(spec)), { mode: 0o600 });
}
