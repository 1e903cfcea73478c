import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { KubeRest } from '../../kube/rest.js';
import { ensureSourcePki } from '../../stack/source-pki.js';

// KubeRest keeps its connections to the API server open between requests: one TLS handshake for many
// requests (the client library's options would open a connection, and parse the credentials, per request),
// while the server's certificate is still verified against the kubeconfig's CA.

describe('KubeRest connections', () => {
  let server: https.Server;
  let handshakes = 0;
  const bodies: { method: string; body: string }[] = [];
  let port = 0;
  let ca = '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-connections-'));

  beforeAll(async () => {
    const pki = ensureSourcePki(dir);
    ca = fs.readFileSync(pki.caCert, 'utf8');
    server = https.createServer({ cert: fs.readFileSync(pki.serverCert), key: fs.readFileSync(pki.serverKey) }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'GET') bodies.push({ method: request.method ?? '', body: Buffer.concat(chunks).toString('utf8') });
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ kind: 'APIVersions', path: request.url }));
      });
    });
    server.on('secureConnection', () => { handshakes += 1; });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = (caData: string | undefined): KubeRest => {
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caData: caData && Buffer.from(caData).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'u', token: 'not-a-secret' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return new KubeRest(config);
  };

  it('sends many requests, one after another and a few at once, over few connections', async () => {
    const kube = client(ca);
    const before = handshakes;
    for (let i = 0; i < 20; i += 1) expect(await kube.request<{ path: string }>('GET', `/api/${i}`)).toEqual({ kind: 'APIVersions', path: `/api/${i}` });
    expect(handshakes - before).toBe(1);
    await Promise.all([1, 2, 3].map((i) => kube.request('GET', `/apis/${i}`)));
    expect(handshakes - before).toBeLessThanOrEqual(3);
  });

  it('sends a DELETE with its body framed, so the next request on the connection is read as sent', async () => {
    const kube = client(ca);
    for (let i = 0; i < 3; i += 1) {
      await kube.delete(`/api/v1/namespaces/ns/configmaps/c${i}`);
      expect(await kube.request<{ path: string }>('GET', `/api/after-${i}`)).toEqual({ kind: 'APIVersions', path: `/api/after-${i}` });
    }
    expect(bodies.filter((b) => b.method === 'DELETE').map((b) => JSON.parse(b.body) as unknown)).toEqual([1, 2, 3].map(() => ({ propagationPolicy: 'Background' })));
  });

  it('still refuses a server whose certificate the kubeconfig CA did not sign', async () => {
    await expect(client(undefined).request('GET', '/api')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
