import { describe, expect, it } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { poolCoreConfig } from '../../domain/pool-objects.js';
import { withDefaults } from '../../domain/pool-spec.js';
import { OBJECTS_MAX_AGE_MS, PodConfigCheck, type ObjectReader } from '../../stack/simulator/config-check.js';
import { podRecordOf } from '../../stack/simulator/pod-record.js';

const TESTNET = NETWORK_PASSPHRASES.Testnet;
const GOOD = poolCoreConfig({ namespace: 'ns', name: 'pool', uid: 'u' }, withDefaults({ network: 'Testnet' }));

/** A running stellar-core pod of pool `pool` mounting ConfigMap `<pool>-config`, optionally NODE_SEED from Secret `seeds`. */
function pod(pool: string, uid: string, seed = false): k8s.V1Pod {
  return {
    metadata: { name: `${pool}-0`, namespace: 'ns', uid },
    spec: {
      containers: [{
        name: 'stellar-core',
        env: seed ? [{ name: 'NODE_SEED', valueFrom: { secretKeyRef: { name: 'seeds', key: pool } } }] : [],
        volumeMounts: [{ name: 'config', mountPath: '/etc/stellar' }],
      }],
      volumes: [{ name: 'config', configMap: { name: `${pool}-config` } }],
    },
    status: { phase: 'Running', podIP: '127.0.0.9' },
  };
}

/** The check over a fake API: `stored` by `kind/name` in namespace ns; every read is recorded. */
function check(stored: Map<string, Record<string, string>>): { configs: PodConfigCheck; reads: string[]; judge: (pods: k8s.V1Pod[], nowMs: number) => Promise<(string | undefined)[]> } {
  const reads: string[] = [];
  const read: ObjectReader = (kind, namespace, name) => {
    reads.push(`${kind}/${namespace}/${name}`);
    return Promise.resolve(stored.get(`${kind}/${name}`));
  };
  const core = { patchNamespacedPodStatus: () => Promise.resolve({}) } as unknown as k8s.CoreV1Api;
  const configs = new PodConfigCheck(core, read, () => undefined);
  const judge = async (pods: k8s.V1Pod[], nowMs: number): Promise<(string | undefined)[]> => {
    const records = pods.flatMap((p) => podRecordOf(p as never, TESTNET) ?? []);
    return (await configs.judge(pods, records, nowMs)).map((record) => record.refusal?.waiting);
  };
  return { configs, reads, judge };
}

describe('the simulator reads a pod\'s config as its kubelet does: only what the pod references, by name', () => {
  it('reads the ConfigMap a new pod mounts and its seed Secret, nothing else, and never again once it started', async () => {
    const stored = new Map([['configmaps/a-config', { 'stellar-core.cfg': GOOD }], ['configmaps/b-config', { 'stellar-core.cfg': GOOD }]]);
    const { reads, judge } = check(stored);
    expect(await judge([pod('a', 'ua')], 0)).toEqual([undefined]);
    expect(reads).toEqual(['configmaps/ns/a-config']);
    // Pod a runs: a later pass reads nothing for it; a new pod b reads only its own ConfigMap.
    reads.length = 0;
    expect(await judge([pod('a', 'ua'), pod('b', 'ub')], 10 * OBJECTS_MAX_AGE_MS)).toEqual([undefined, undefined]);
    expect(reads).toEqual(['configmaps/ns/b-config']);
  });

  it('reads a validator\'s seed Secret too, and a missing one keeps the pod waiting with the kubelet\'s reason', async () => {
    const { reads, judge } = check(new Map([['configmaps/v-config', { 'stellar-core.cfg': GOOD }]]));
    expect(await judge([pod('v', 'uv', true)], 0)).toEqual(['CreateContainerConfigError']);
    expect(reads).toEqual(['configmaps/ns/v-config', 'secrets/ns/seeds']);
  });

  it('a waiting pod reads its objects again only after OBJECTS_MAX_AGE_MS, and a fix then brings it up', async () => {
    const stored = new Map<string, Record<string, string>>();
    const { configs, reads, judge } = check(stored);
    expect(await judge([pod('a', 'ua')], 0)).toEqual(['ContainerCreating']); // the ConfigMap does not exist
    expect(configs.waiting()).toBe(true);
    stored.set('configmaps/a-config', {}); // it exists now, without the file
    expect(await judge([pod('a', 'ua')], OBJECTS_MAX_AGE_MS - 1)).toEqual(['ContainerCreating']);
    expect(reads).toHaveLength(1);
    expect(await judge([pod('a', 'ua')], OBJECTS_MAX_AGE_MS)).toEqual(['CrashLoopBackOff']);
    stored.set('configmaps/a-config', { 'stellar-core.cfg': GOOD });
    expect(await judge([pod('a', 'ua')], 2 * OBJECTS_MAX_AGE_MS)).toEqual([undefined]);
    expect(reads).toEqual(['configmaps/ns/a-config', 'configmaps/ns/a-config', 'configmaps/ns/a-config']);
    expect(configs.waiting()).toBe(false);
  });

  it('a pod recreated under the same name (a new uid) reads its ConfigMap at once, as a new pod', async () => {
    const { reads, judge } = check(new Map([['configmaps/a-config', { 'stellar-core.cfg': GOOD }]]));
    await judge([pod('a', 'u1')], 0);
    await judge([pod('a', 'u2')], 1);
    expect(reads).toEqual(['configmaps/ns/a-config', 'configmaps/ns/a-config']);
  });
});
