import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { createHttpClient, readCaBundle } from '../../activities/http-client.js';
import type { Condition } from '../../domain/conditions.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { archiveUrl, createNamespace, eventually, horizonUrl, kube, stack, startWorker, temporalClient, workerKube } from './support.js';

// Pools whose sources are https, unreachable or trickling, on the local stack: the observation never
// fails because of a source, and each failing source is named in the pool's Degraded condition.

interface Pool {
  metadata: { name: string; namespace: string };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

const POOLS = (ns: string) => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools`;

const degraded = (pool: Pool | undefined): Condition | undefined => pool?.status?.conditions?.find((c) => c.type === 'Degraded');

function smallPool(namespace: string, name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace },
    spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 1, targetReplicas: 1, loadBalancing: { updateIntervalSeconds: 1 }, storage: { size: '1Gi' }, ...spec },
  };
}

/** A loopback server that answers 200 and then one byte every 200 ms, forever. */
async function trickleServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 200);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trickle`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('pool sources over https, unreachable and trickling (egress limited to loopback)', () => {
  let client: Client;
  const stops: (() => void | Promise<void>)[] = [];
  let trickle: Awaited<ReturnType<typeof trickleServer>>;

  /** A worker with its own HTTP client, and pool triggers for the given namespaces on its queue. */
  async function workerFor(caBundle: string | undefined, namespaces: string[]): Promise<void> {
    const worker = await startWorker(workerKube(), createHttpClient({ egress: 'loopback', caBundle }));
    stops.push(worker.stop);
    for (const namespace of namespaces) {
      stops.push(startPoolTrigger(workerKube(), client, { namespaces: [namespace], taskQueue: worker.taskQueue, inputDefaults: { intervalSeconds: 1, ledgerRefreshSeconds: 2 }, log: () => undefined }));
    }
  }

  let trusted: string;
  let untrusted: string;

  beforeAll(async () => {
    client = await temporalClient();
    trickle = await trickleServer();
    const caPath = stack().simulator?.caBundle;
    if (!caPath) throw new Error('the suite stack has no simulator CA');
    // The example's own namespace, created as a user would before applying it.
    await kube().apply('/api/v1/namespaces/stellar', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stellar' } });
    trusted = await createNamespace('https-ca');
    untrusted = await createNamespace('https-noca');
    await workerFor(readCaBundle(caPath), ['stellar', trusted]);
    await workerFor(undefined, [untrusted]);
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await trickle?.close();
    await client?.connection.close();
  });

  // examples/readonlypool.yaml applied unchanged (its archive named in Degraded as EgressDenied): examples.test.ts.

  it('reads an https archive and Horizon of the stack with the CA bundle: no source is named in Degraded', async () => {
    await kube().apply(`${POOLS(trusted)}/good`, smallPool(trusted, 'good', { historyArchiveUrls: [archiveUrl('testnet')], horizonUrl: horizonUrl('testnet') }));
    const pool = await eventually(
      () => kube().request<Pool>('GET', `${POOLS(trusted)}/good`),
      (p) => degraded(p) !== undefined && !degraded(p)?.message.includes('unreadable') && degraded(p)?.observedGeneration === 1,
      90_000, 'Degraded naming no unreadable source',
    );
    expect(degraded(pool)?.message).not.toContain(archiveUrl('testnet'));
  });

  it('without the CA bundle the same archive is a TLS error named in Degraded', async () => {
    await kube().apply(`${POOLS(untrusted)}/noca`, smallPool(untrusted, 'noca', { historyArchiveUrls: [archiveUrl('testnet')] }));
    const pool = await eventually(
      () => kube().request<Pool>('GET', `${POOLS(untrusted)}/noca`),
      (p) => degraded(p)?.message.includes(archiveUrl('testnet')) ?? false,
      90_000, 'Degraded naming the archive',
    );
    expect(degraded(pool)?.message).toContain(`archive ${archiveUrl('testnet')} unreadable: TlsError`);
  });

  it('cuts an archive that trickles one byte per 200 ms at its deadline, named in Degraded as a Timeout', async () => {
    await kube().apply(`${POOLS(trusted)}/slow`, smallPool(trusted, 'slow', { historyArchiveUrls: [trickle.url] }));
    const pool = await eventually(
      () => kube().request<Pool>('GET', `${POOLS(trusted)}/slow`),
      (p) => degraded(p)?.message.includes(trickle.url) ?? false,
      90_000, 'Degraded naming the trickling archive',
    );
    expect(degraded(pool)?.message).toContain(`archive ${trickle.url} unreadable: Timeout`);
  });
});
