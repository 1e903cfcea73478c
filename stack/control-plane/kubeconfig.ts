import fs from 'node:fs';
import YAML from 'yaml';

/**
 * Writes a kubeconfig for `server` authenticating with a client certificate; certificates are embedded
 * so the file works from anywhere.
 */
export function writeKubeconfig(file: string, server: string, caCert: string, client: { cert: string; key: string }, user: string): void {
  const b64 = (p: string): string => fs.readFileSync(p).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'steward-local', cluster: { server, 'certificate-authority-data': b64(caCert) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(client.cert), 'client-key-data': b64(client.key) } }],
    contexts: [{ name: 'steward-local', context: { cluster: 'steward-local', user } }],
    'current-context': 'steward-local',
  };
  fs.writeFileSync(file, YAML.stringify(config), { mode: 0o600 });
}
