import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { tenantPoolStatefulSetName } from '../../domain/names.js';
import { bringBack, takeDown } from '../../stack/outage.js';
import { installRuntime } from '../../worker/runtime.js';
import { startWorkerService, type WorkerService } from '../../worker/service.js';
import { tenantStatusQuery } from '../../workflows/contract.js';
import { createNamespace, eventually, kube, mergePatch, stack, temporalClient, uniqueName, workerKube } from './support.js';
import { CLUSTER_SCOPE } from '../../kube/namespace-scope.js';

/** The watches one worker service runs: pools 2, validators 3, replica sets 1, tenants 3. */
const WATCHES = 9;

describe('the watches ride out a kube-apiserver outage', () => {
  let client: Client;
  let service: WorkerService | undefined;
  let ns: string;
  const lines: string[] = [];
  const tenantPath = () => `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`;

  beforeAll(async () => {
    installRuntime({ level: 'WARN' });
    client = await temporalClient();
    ns = await createNamespace('outage');
    const { address, namespace } = stack().temporal;
    // A timer of an hour: after the outage, only a watch's signal can make the workflow act.
    service = await startWorkerService({
      settings: { address, namespace, connection: { address } }, kube: workerKube(), taskQueue: uniqueName('outage-queue'), scope: { ...CLUSTER_SCOPE, namespaces: [ns] },
      inputDefaults: { tenant: { intervalSeconds: 3600 } }, log: (message) => lines.push(message),
    });
    await kube().apply(tenantPath(), {
      apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 't', namespace: ns }, spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] },
    });
  });
  afterAll(async () => {
    // Back up if the test stopped halfway (bringBack refuses a server that already runs).
    await bringBack(stack().stateDir, 'kube-apiserver').catch(() => undefined);
    await service?.stop();
    await client?.workflow.getHandle(`tenant/${ns}/t`).terminate().catch(() => undefined);
    await client?.connection.close();
  });

  it('logs each watch lost and resumed once, not per retry, and a change made after the API returns reaches the StatefulSet', async () => {
    const image = async () => (await kube().request<{ spec: { template: { spec: { containers: { image: string }[] } } } }>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/${tenantPoolStatefulSetName('t', 'a')}`)).spec.template.spec.containers[0]?.image;
    await eventually(image, (i) => i === 'rustfs/rustfs:1.0.0', 60_000, 'the tenant\'s StatefulSet');
    await eventually(() => client.workflow.getHandle(`tenant/${ns}/t`).query(tenantStatusQuery), (v) => v.iterations > 0, 30_000, 'a first iteration');
    const before = lines.length;

    await takeDown(stack().stateDir, 'kube-apiserver');
    // About 20 s down: retrying every second, 9 watches would log some 180 lines.
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    await bringBack(stack().stateDir, 'kube-apiserver');
    const outage = () => lines.slice(before);
    const count = (pattern: RegExp) => outage().filter((line) => pattern.test(line)).length;
    const LOST = / lost: .*; retrying with backoff/;
    const RESUMED = / resumed after \d+ s \(\d+ failed attempts\)/;
    await eventually(async () => [count(LOST), count(RESUMED)], ([lost, resumed]) => lost !== undefined && lost >= WATCHES && lost === resumed, 90_000, 'every lost watch resumed');

    // Every watch noticed, each said so once per change of state (a watch may flap once while the
    // server starts), and nothing else was logged: no line per retry.
    const watchOf = (line: string) => /^watch (\S+) /.exec(line)?.[1];
    expect(new Set(outage().filter((line) => LOST.test(line)).map(watchOf)).size).toBe(WATCHES);
    expect(outage().length).toBeLessThanOrEqual(4 * WATCHES);
    expect(outage().every((line) => LOST.test(line) || RESUMED.test(line))).toBe(true);

    await mergePatch(tenantPath(), { spec: { image: 'rustfs/rustfs:1.1.0' } });
    expect(await eventually(image, (i) => i === 'rustfs/rustfs:1.1.0', 60_000, 'the change applied')).toBe('rustfs/rustfs:1.1.0');
  });
});
