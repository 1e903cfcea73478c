import { describe, expect, it } from '@jest/globals';
import { isLoopbackIPv4, podRecordOf, type PodLike, type PodRecord } from '../../stack/simulator/pod-record.js';
import { listenerPlan, syncPods } from '../../stack/simulator/pod-set.js';
import { snapshotDue } from '../../stack/simulator/kube-pod-source.js';

const TESTNET = 'Test SDF Network ; September 2015';
const MAINNET = 'Public Global Stellar Network ; September 2015';

function kubePod(overrides: { annotations?: Record<string, string>; env?: { name: string; value?: string }[]; phase?: string; podIP?: string } = {}): PodLike {
  return {
    metadata: { namespace: 'ns', name: 'core-0', uid: 'u0', annotations: overrides.annotations ?? {} },
    spec: { containers: [{ env: overrides.env ?? [] }, { env: [{ name: 'NETWORK_PASSPHRASE', value: 'second container is ignored' }] }] },
    status: { phase: overrides.phase ?? 'Running', podIP: 'podIP' in overrides ? overrides.podIP : '127.1.0.7' },
  };
}

describe('podRecordOf', () => {
  it('takes the network from the annotation first, then the first container env, then the default', () => {
    const env = [{ name: 'NETWORK_PASSPHRASE', value: MAINNET }];
    expect(podRecordOf(kubePod({ annotations: { 'stellar.org/network-passphrase': 'Custom Net' }, env }), TESTNET)?.network).toBe('Custom Net');
    expect(podRecordOf(kubePod({ env }), TESTNET)?.network).toBe(MAINNET);
    expect(podRecordOf(kubePod({ env: [{ name: 'NETWORK_PASSPHRASE' }] }), 'Futurenet')?.network).toBe('Test SDF Future Network ; October 2022');
    expect(podRecordOf(kubePod(), TESTNET)).toEqual({ key: 'ns/core-0', uid: 'u0', ip: '127.1.0.7', network: TESTNET });
  });

  it('names the pod by its headless Service DNS name when it has hostname and subdomain (as StatefulSet pods do)', () => {
    const pod = kubePod();
    expect(podRecordOf({ ...pod, spec: { ...pod.spec, hostname: 'core-0', subdomain: 'core-hl' } }, TESTNET)?.dnsName).toBe('core-0.core-hl.ns.svc.cluster.local');
    expect(podRecordOf({ ...pod, spec: { ...pod.spec, hostname: 'core-0' } }, TESTNET)?.dnsName).toBeUndefined();
  });

  it('carries the scenario annotation', () => {
    expect(podRecordOf(kubePod({ annotations: { 'sim.stellar.org/scenario': 'lagging:5' } }), TESTNET)?.scenarioText).toBe('lagging:5');
  });

  it.each([['Pending', '127.1.0.7'], ['Succeeded', '127.1.0.7'], ['Running', undefined], ['Running', '']])('skips a pod in phase %s with IP %j', (phase, podIP) => {
    expect(podRecordOf(kubePod({ phase, podIP }), TESTNET)).toBeUndefined();
  });

  it.each([['127.0.0.1', true], ['127.1.0.7', true], ['127.255.255.254', true], ['10.0.0.5', false], ['128.0.0.1', false], ['::1', false], ['127.1', false], ['127.300.0.1', false]])(
    'isLoopbackIPv4(%j) is %j', (ip, loopback) => {
      expect(isLoopbackIPv4(ip)).toBe(loopback);
    },
  );
});

const record = (uid: string, overrides: Partial<PodRecord> = {}): PodRecord => ({ key: `ns/${uid}`, uid, ip: `127.1.0.${uid.length}`, network: TESTNET, ...overrides });

describe('syncPods', () => {
  it('keeps start time and DNS name while the uid lives, and restarts the scenario clock only on a change', () => {
    const dnsName = 'a-0.a-hl.ns.svc.cluster.local';
    const first = syncPods(new Map(), [record('a', { scenarioText: 'stalled', dnsName })], 1000);
    expect(first.warnings).toEqual([]);
    expect(first.pods.get('a')).toEqual(expect.objectContaining({ scenario: { kind: 'stalled' }, scenarioSinceMs: 1000, startedOnMs: 1000, dnsName }));
    const same = syncPods(first.pods, [record('a', { scenarioText: 'stalled', dnsName })], 2000).pods.get('a');
    expect(same).toEqual(expect.objectContaining({ scenarioSinceMs: 1000, startedOnMs: 1000 }));
    const changed = syncPods(first.pods, [record('a', { scenarioText: 'lagging:3', dnsName })], 3000).pods.get('a');
    expect(changed).toEqual(expect.objectContaining({ scenario: { kind: 'lagging', behind: 3 }, scenarioSinceMs: 3000, startedOnMs: 1000 }));
  });

  it('drops pods missing from the snapshot (a new uid starts afresh)', () => {
    const first = syncPods(new Map(), [record('a'), record('bb')], 1000);
    expect([...syncPods(first.pods, [record('bb')], 2000).pods.keys()]).toEqual(['bb']);
  });

  it('warns once, naming the pod, about an unknown scenario and a non-loopback IP', () => {
    const first = syncPods(new Map(), [record('a', { scenarioText: 'flaky' }), record('bb', { ip: '10.0.0.5' })], 1000);
    expect(first.warnings).toEqual([
      expect.stringMatching(/^pod ns\/a: unknown scenario "flaky".*simulating it as synced$/),
      'pod ns/bb: IP 10.0.0.5 is outside 127.0.0.0/8; the simulator does not serve it',
    ]);
    expect(first.pods.get('a')?.scenario).toEqual({ kind: 'synced' });
    expect(syncPods(first.pods, [record('a', { scenarioText: 'flaky' }), record('bb', { ip: '10.0.0.5' })], 2000).warnings).toEqual([]);
  });
});

describe('listenerPlan', () => {
  const pods = syncPods(new Map(), [
    record('a'),
    record('bb', { scenarioText: 'unreachable' }),
    record('ccc', { ip: '10.0.0.5' }),
    record('dddd', { ip: '127.1.0.44' }),
  ], 0).pods;

  it('opens loopback, reachable pods without a listener; closes gone, unreachable and moved ones', () => {
    const listeners = new Map([['a', '127.1.0.1'], ['bb', '127.1.0.2'], ['dddd', '127.1.0.4'], ['gone', '127.1.0.9']]);
    const plan = listenerPlan(pods, listeners);
    expect(plan.close.sort()).toEqual(['bb', 'dddd', 'gone']);
    expect(plan.open.map((p) => p.uid)).toEqual(['dddd']);
  });

  it('changes nothing when the listeners match', () => {
    expect(listenerPlan(pods, new Map([['a', '127.1.0.1'], ['dddd', '127.1.0.44']]))).toEqual({ open: [], close: [] });
  });
});

describe('snapshotDue (the pod source watches pods, as a kubelet does)', () => {
  it.each([
    ['before the first complete list, never', { listed: false, changed: true, waiting: true, sinceLastMs: 60_000 }, false],
    ['a pod changed', { listed: true, changed: true, waiting: false, sinceLastMs: 0 }, true],
    ['a pod waits on its config (a fix brings it back)', { listed: true, changed: false, waiting: true, sinceLastMs: 0 }, true],
    ['nothing changed for a second: a resync retries what failed (an address still held)', { listed: true, changed: false, waiting: false, sinceLastMs: 1000 }, true],
    ['nothing changed, and the last snapshot is recent', { listed: true, changed: false, waiting: false, sinceLastMs: 300 }, false],
  ])('%s', (_, now, due) => {
    expect(snapshotDue(now)).toBe(due);
  });
});
