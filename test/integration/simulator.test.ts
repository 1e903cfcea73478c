import { describe, expect, it } from '@jest/globals';
import { createNamespace, eventually, kube, listPods, setScenario, stack } from './support.js';

const info = async (ip: string) => {
  const response = await fetch(`http://${ip}:11626/info`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
};

describe('KWOK pods with loopback IPs, served by the stellar-core simulator', () => {
  it('a StatefulSet gets Running, Ready pods on 127.x addresses, each answering stellar-core /info', async () => {
    const ns = await createNamespace('sim');
    await kube().apply(`/apis/apps/v1/namespaces/${ns}/statefulsets/core`, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'core', namespace: ns },
      spec: {
        replicas: 2, serviceName: 'core', podManagementPolicy: 'Parallel', selector: { matchLabels: { app: 'core' } },
        template: {
          metadata: { labels: { app: 'core', 'stellar.org/stellar-core': 'true' } },
          spec: { containers: [{ name: 'stellar-core', image: 'stellar/stellar-core:22.1.0', env: [{ name: 'NETWORK_PASSPHRASE', value: 'Test SDF Network ; September 2015' }] }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const pods = await eventually(() => listPods(ns, 'app=core'), (p) => p.length === 2 && p.every((x) => x.status?.phase === 'Running' && x.status.podIP?.startsWith('127.')), 60_000, 'two running pods');
    for (const pod of pods) {
      const answer = await eventually(() => info(pod.status?.podIP as string), (a) => a.status === 200, 15_000, `/info on ${pod.status?.podIP}`);
      expect(answer.type).toBe('application/json');
      const body = JSON.parse(answer.body) as { info: { state: string; network: string; ledger: { num: number } } };
      expect(body.info.state).toBe('Synced!');
      expect(body.info.network).toBe('Test SDF Network ; September 2015');
      expect(body.info.ledger.num).toBeGreaterThan(1_000_000);
    }

    const [first, second] = pods as [typeof pods[number], typeof pods[number]];
    const ip = first.status?.podIP as string;
    expect((await fetch(`http://${ip}:11626/nope`)).status).toBe(404);
    const connect = await fetch(`http://${ip}:11626/connect?peer=core-1.core.${ns}.svc.cluster.local&port=11625`);
    expect(await connect.text()).toBe(`Connect to: core-1.core.${ns}.svc.cluster.local:11625`);
    const recorded = await (await fetch(`${stack().simulator?.controlUrl}/_sim/connects?pod=${ns}/${first.metadata.name}`)).json();
    expect(recorded).toEqual([expect.objectContaining({ peer: `core-1.core.${ns}.svc.cluster.local`, port: 11625 })]);

    await setScenario(ns, second.metadata.name, 'booting');
    const booting = await eventually(() => info(second.status?.podIP as string), (a) => a.body.includes('booting'), 15_000, 'booting answer');
    expect(JSON.parse(booting.body)).toEqual({ error: 'Core is booting, try again later' });
    await setScenario(ns, second.metadata.name, 'lagging:100');
    const lagging = await eventually(() => info(second.status?.podIP as string), (a) => a.body.includes('Synced!'), 15_000, 'lagging answer');
    const tip = (await (await fetch(`${stack().simulator?.controlUrl}/_sim/tip`)).json()) as { ledger: number };
    expect(tip.ledger - (JSON.parse(lagging.body) as { info: { ledger: { num: number } } }).info.ledger.num).toBeGreaterThanOrEqual(100);
  });
});
