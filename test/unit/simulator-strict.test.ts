import { describe, expect, it } from '@jest/globals';
import { publicKeyOfSeed } from '../../activities/node-key.js';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { poolCoreConfig } from '../../domain/pool-objects.js';
import { withDefaults } from '../../domain/pool-spec.js';
import { validatorConfig, validatorObjects, defaultHomeDomain, type ValidatorSpec } from '../../domain/validator-objects.js';
import { localSeed } from '../../stack/local-seeds.js';
import { backoffMs, kubeletStatus, type PodStatusLike } from '../../stack/simulator/crash-loop.js';
import { podConfigVerdict, type NamespaceObjects, type PodConfigSpec } from '../../stack/simulator/pod-config.js';
import { listenerPlan } from '../../stack/simulator/pod-set.js';
import type { SimPod } from '../../stack/simulator/node-state.js';

const TESTNET = NETWORK_PASSPHRASES.Testnet;
const GOOD = poolCoreConfig({ namespace: 'ns', name: 'pool', uid: 'u' }, withDefaults({ network: 'Testnet' }));
const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** A pod spec as the pool's StatefulSet makes it: the ConfigMap `cm` mounted, optionally NODE_SEED from Secret `s`. */
function spec(seedRef?: { name: string; key: string }): PodConfigSpec {
  return {
    containers: [{
      name: 'stellar-core',
      env: seedRef ? [{ name: 'NODE_SEED', valueFrom: { secretKeyRef: seedRef } }] : [],
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/stellar' }],
    }],
    volumes: [{ name: 'config', configMap: { name: 'cm' } }],
  };
}
function objects(config: string | undefined, secrets: Record<string, Record<string, string>> = {}): NamespaceObjects {
  return {
    configMaps: new Map(config === undefined ? [] : [['cm', { 'stellar-core.cfg': config }]]),
    secrets: new Map(Object.entries(secrets)),
  };
}

describe('podConfigVerdict: what stellar-core makes of the mounted config', () => {
  it.each([
    ['a generated pool config', spec(), objects(GOOD), undefined, undefined],
    ['an unknown key', spec(), objects(`NOT_A_KEY=1\n${GOOD}`), 'CrashLoopBackOff', "Got an exception: Unknown configuration entry: 'NOT_A_KEY'"],
    ['bad TOML', spec(), objects(`X = = 1\n${GOOD}`), 'CrashLoopBackOff', /^Got an exception: Failed to parse config/],
    ['the ConfigMap lacks the file', spec(), objects(undefined, {}), 'ContainerCreating', 'MountVolume.SetUp failed for volume "config" : configmap "cm" not found'],
    ['a seed Secret that does not exist', spec({ name: 's', key: 'seed' }), objects(GOOD), 'CreateContainerConfigError', 'secret "s" not found'],
    ['a seed Secret without the key', spec({ name: 's', key: 'v1' }), objects(GOOD, { s: {} }), 'CreateContainerConfigError', "couldn't find key v1 in Secret s"],
    ['an invalid seed', spec({ name: 's', key: 'seed' }), objects(GOOD, { s: { seed: b64('SBCLITESTSEED') } }), 'CrashLoopBackOff', /invalid key: NODE_SEED/],
  ])('%s', (_, podSpec, namespaceObjects, waiting, message) => {
    const verdict = podConfigVerdict(podSpec, TESTNET, namespaceObjects);
    expect(verdict.checked).toBe(true);
    expect(verdict.refusal?.waiting).toBe(waiting);
    if (message !== undefined) expect(verdict.refusal?.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  });

  it('a validator pod as Steward makes it starts: its seed from the Secret, the set listing the others', () => {
    const v: ValidatorSpec = {
      namespace: 'ns', name: 'v1', uid: 'u', network: 'Testnet', version: '22', suspended: false, seedSecret: { name: 'seeds', key: 'v1' },
      storageSize: '1Gi', historyArchiveUrls: [], homeDomain: defaultHomeDomain('ns'), enableHistoryArchive: false,
    };
    const seeds = { v1: localSeed('unit v1'), v2: localSeed('unit v2') };
    const members = ['v1', 'v2'].map((name) => ({ namespace: 'ns', name, homeDomain: defaultHomeDomain('ns'), publicKey: publicKeyOfSeed(seeds[name as 'v1' | 'v2']), address: `${name}-0:11625` }));
    const set = validatorObjects(v, ['v2-0:11625'], members).find((o) => o.kind === 'StatefulSet') as unknown as { spec: { template: { spec: PodConfigSpec } } };
    const podSpec = set.spec.template.spec;
    const secrets = { seeds: { v1: b64(seeds.v1) } };
    expect(podConfigVerdict(podSpec, TESTNET, { configMaps: new Map([['v1-config', { 'stellar-core.cfg': validatorConfig(v, members, ['v2-0:11625']) }]]), secrets: new Map(Object.entries(secrets)) })).toEqual({ checked: true });
    // v2's seed as v1's: v1 would find itself among its own validators, which stellar-core refuses.
    const shared = new Map(Object.entries({ seeds: { v1: b64(seeds.v2) } }));
    expect(podConfigVerdict(podSpec, TESTNET, { configMaps: new Map([['v1-config', { 'stellar-core.cfg': validatorConfig(v, members, []) }]]), secrets: shared }).refusal?.rule).toBe('quorum-set');
  });

  it('a pod that mounts no ConfigMap is not checked (hand-made test pods)', () => {
    expect(podConfigVerdict({ containers: [{ name: 'c' }] }, TESTNET, objects(GOOD))).toEqual({ checked: false });
  });
});

describe('kubeletStatus: a refused config shows as the kubelet shows it', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const running: PodStatusLike = {
    conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True', lastTransitionTime: 'then' }, { type: 'ContainersReady', status: 'True', lastTransitionTime: 'then' }],
    containerStatuses: [{ name: 'stellar-core', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: 'then' } } }],
  };
  const refusal = { waiting: 'CrashLoopBackOff' as const, rule: 'unknown-key', message: "Got an exception: Unknown configuration entry: 'X'" };
  const apply = (status: PodStatusLike, next: PodStatusLike | undefined): PodStatusLike => (next ? { ...status, ...next } : status);

  it('crashes at once, then restarts on the back-off, never sooner', () => {
    const first = apply(running, kubeletStatus(running, refusal, T0, 'p_ns(u)'));
    const container = first.containerStatuses?.[0];
    expect(container).toEqual(expect.objectContaining({ ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=stellar-core pod=p_ns(u)' } } }));
    expect(container?.lastState?.terminated).toEqual(expect.objectContaining({ exitCode: 1, reason: 'Error', message: refusal.message }));
    expect(first.conditions?.map((c) => [c.type, c.status])).toEqual([['PodScheduled', 'True'], ['Ready', 'False'], ['ContainersReady', 'False']]);
    expect(kubeletStatus(first, refusal, T0 + backoffMs(1) - 1, 'p_ns(u)')).toBeUndefined();
    const second = apply(first, kubeletStatus(first, refusal, T0 + backoffMs(1), 'p_ns(u)'));
    expect(second.containerStatuses?.[0]?.restartCount).toBe(2);
    expect(kubeletStatus(second, refusal, T0 + backoffMs(1) + backoffMs(2) - 1, 'p_ns(u)')).toBeUndefined();
  });

  it.each([[1, 10_000], [2, 20_000], [3, 40_000], [6, 300_000], [20, 300_000]])('back-off after %i restarts: %i ms', (restarts, ms) => {
    expect(backoffMs(restarts)).toBe(ms);
  });

  it('a fixed config runs again and is Ready; a running pod with an accepted config is left alone', () => {
    const crashed = apply(running, kubeletStatus(running, refusal, T0, 'p'));
    const back = apply(crashed, kubeletStatus(crashed, undefined, T0 + 1000, 'p'));
    expect(back.containerStatuses?.[0]).toEqual(expect.objectContaining({ ready: true, restartCount: 1, state: { running: { startedAt: new Date(T0 + 1000).toISOString() } } }));
    expect(back.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(kubeletStatus(back, undefined, T0 + 2000, 'p')).toBeUndefined();
    expect(kubeletStatus(running, undefined, T0, 'p')).toBeUndefined();
  });

  it('a missing Secret waits with CreateContainerConfigError and no restart', () => {
    const missing = { waiting: 'CreateContainerConfigError' as const, rule: 'secret', message: 'secret "s" not found' };
    const waiting = apply(running, kubeletStatus(running, missing, T0, 'p'));
    expect(waiting.containerStatuses?.[0]).toEqual(expect.objectContaining({ ready: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "s" not found' } } }));
    expect(kubeletStatus(waiting, missing, T0 + 600_000, 'p')).toBeUndefined();
  });
});

describe('a pod whose config is refused is never served', () => {
  const pod = (refused: boolean): SimPod => ({
    key: 'ns/p', uid: 'u', ip: '127.1.0.2', network: TESTNET, scenarioText: '', scenario: { kind: 'synced' }, scenarioSinceMs: 0, startedOnMs: 0,
    ...(refused ? { refusal: { waiting: 'CrashLoopBackOff' as const, rule: 'toml', message: 'x' } } : {}),
  });
  it.each([
    ['accepted, no listener: open', false, new Map<string, string>(), ['u'], []],
    ['refused, no listener: stay closed', true, new Map<string, string>(), [], []],
    ['refused while served: close', true, new Map([['u', '127.1.0.2']]), [], ['u']],
  ])('%s', (_, refused, listeners, open, close) => {
    const plan = listenerPlan(new Map([['u', pod(refused)]]), listeners);
    expect(plan.open.map((p) => p.uid)).toEqual(open);
    expect(plan.close).toEqual(close);
  });
});

describe('seeds', () => {
  it('derive the public key a known pair says (js-stellar-base test/unit/keypair_test.js, Keypair.fromSeed)', () => {
    expect(publicKeyOfSeed('SD7X7LEHBNMUIKQGKPARG5TDJNBHKC346OUARHGZL5ITC6IJPXHILY36')).toBe('GDFQVQCYYB7GKCGSCUSIQYXTPLV5YJ3XWDMWGQMDNM4EAXAL7LITIBQ7');
  });
  it('localSeed is the scheme of examples/validators.yaml, and gives each label its own valid seed', () => {
    expect(localSeed('stellar-steward local example validator-1')).toBe('SDPJVORYAVEVZRYGEUQKM5SKHPR4V7JQKI7SWHQ62YCIVQDGQSBFZ6RA');
    expect(publicKeyOfSeed(localSeed('a'))).toMatch(/^G[A-Z2-7]{55}$/);
    expect(localSeed('a')).not.toBe(localSeed('b'));
  });
});
