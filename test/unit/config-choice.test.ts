import { describe, expect, it } from '@jest/globals';
import { chooseConfig, configRefusedCondition } from '../../domain/config-choice.js';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { decidePool, type PoolMemory } from '../../domain/pool-decision.js';
import type { PoolObservation } from '../../domain/pool-observation.js';
import { poolCoreConfig } from '../../domain/pool-objects.js';
import { withDefaults, type PoolSpecInput } from '../../domain/pool-spec.js';

const TESTNET = NETWORK_PASSPHRASES.Testnet;
const owner = { namespace: 'ns', name: 'pool', uid: 'uid-1' };
const config = (input: Partial<PoolSpecInput> = {}): string => poolCoreConfig(owner, withDefaults({ network: 'Testnet', ...input }));
const GOOD = config();
const GOOD_TOO = config({ coreConfigOverride: 'CATCHUP_RECENT=60' });
const UNKNOWN_KEY = config({ coreConfigOverride: 'NOT_A_STELLAR_CORE_KEY=1' });
const BAD_TOML = config({ coreConfigOverride: 'CATCHUP_RECENT = = 1' });

describe('chooseConfig: a refused config is not rolled out over a good one', () => {
  it.each([
    ['accepted, nothing live yet', GOOD, undefined, GOOD, undefined, false],
    ['accepted, replacing another good one', GOOD_TOO, GOOD, GOOD_TOO, undefined, false],
    ['refused, a good one is live: keep it', UNKNOWN_KEY, GOOD, GOOD, 'unknown-key', true],
    ['refused, nothing live: apply it (its pods crash-loop)', UNKNOWN_KEY, undefined, UNKNOWN_KEY, 'unknown-key', false],
    ['refused, the live one is refused too: apply the new one', BAD_TOML, UNKNOWN_KEY, BAD_TOML, 'toml', false],
    ['refused and already live', UNKNOWN_KEY, UNKNOWN_KEY, UNKNOWN_KEY, 'unknown-key', false],
  ])('%s', (_, desired, live, applied, rule, kept) => {
    const choice = chooseConfig(desired, live, { network: TESTNET });
    expect(choice.config).toBe(applied);
    expect(choice.refused?.rule).toBe(rule);
    expect(choice.kept).toBe(kept);
  });

  it('the condition names the resource, the rule, the key and what was done', () => {
    const kept = configRefusedCondition(chooseConfig(UNKNOWN_KEY, GOOD, { network: TESTNET }), 'ReadOnlyPool ns/pool', 'ns/pool-config', 3);
    expect(kept).toEqual(expect.objectContaining({ type: 'Degraded', status: 'True', reason: 'ConfigRefused', observedGeneration: 3 }));
    expect(kept?.message).toMatch(/ReadOnlyPool ns\/pool \(rule unknown-key, key NOT_A_STELLAR_CORE_KEY\): Unknown configuration entry: 'NOT_A_STELLAR_CORE_KEY'/);
    expect(kept?.message).toMatch(/last good config stays in ConfigMap ns\/pool-config/);
    const applied = configRefusedCondition(chooseConfig(UNKNOWN_KEY, undefined, { network: TESTNET }), 'ReadOnlyPool ns/pool', 'ns/pool-config', 3);
    expect(applied?.message).toMatch(/no good config to keep, so it is applied and its pods crash-loop/);
    expect(configRefusedCondition(chooseConfig(GOOD, undefined, { network: TESTNET }), 'x', 'y', 1)).toBeUndefined();
  });
});

function observation(spec: Partial<PoolSpecInput>, liveConfig?: string): PoolObservation {
  return {
    pool: { namespace: 'ns', name: 'pool', uid: 'uid-1', generation: 2, spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 20, targetReplicas: 1, ...spec } },
    liveConfig,
    pods: [{ name: 'pool-0', ready: true, ip: '127.1.0.2', labels: {}, annotations: {} }],
    probes: [{ replica: 'pool-0', ready: true, info: { state: 'Synced!', ledger: 6400, network: TESTNET } }],
    tipSources: [],
    sourceErrors: [],
  };
}
const memory: PoolMemory = { autoscaler: {} };
const options = { now: Date.UTC(2026, 0, 1), rebalanceRequested: false };
const objectData = (objects: { kind: string; data?: unknown; spec?: unknown }[]): { config: unknown; hash: unknown } => {
  const map = objects.find((o) => o.kind === 'ConfigMap') as { data: Record<string, string> };
  const set = objects.find((o) => o.kind === 'StatefulSet') as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
  return { config: map.data['stellar-core.cfg'], hash: set.spec.template.metadata.annotations['stellar.org/config-hash'] };
};

describe('decidePool with a refused coreConfigOverride', () => {
  const live = config({ maxReplicas: 20 });
  it('keeps the live ConfigMap and pod template, and says so in Degraded', () => {
    const refused = decidePool(observation({ coreConfigOverride: 'NOT_A_STELLAR_CORE_KEY=1' }, live), memory, options);
    const steady = decidePool(observation({}, live), memory, options);
    expect(objectData(refused.objects)).toEqual(objectData(steady.objects));
    expect(objectData(refused.objects).config).toBe(live);
    expect(refused.status.conditions.find((c) => c.type === 'Degraded')).toEqual(expect.objectContaining({ status: 'True', reason: 'ConfigRefused' }));
    expect(steady.status.conditions.find((c) => c.type === 'Degraded')?.reason).toBe('AllFresh');
  });

  it('a new pool gets the refused config (nothing good to keep), and Degraded names the rule and key', () => {
    const decision = decidePool(observation({ coreConfigOverride: 'NOT_A_STELLAR_CORE_KEY=1' }), memory, options);
    expect(objectData(decision.objects).config).toMatch(/NOT_A_STELLAR_CORE_KEY=1/);
    expect(decision.status.conditions.find((c) => c.type === 'Degraded')?.message).toMatch(/rule unknown-key, key NOT_A_STELLAR_CORE_KEY/);
  });

  it('a fixed override is rolled out and Degraded clears', () => {
    const decision = decidePool(observation({ coreConfigOverride: 'CATCHUP_RECENT=60' }, live), memory, options);
    expect(objectData(decision.objects).config).toMatch(/CATCHUP_RECENT=60/);
    expect(decision.status.conditions.find((c) => c.type === 'Degraded')?.status).toBe('False');
  });
});
