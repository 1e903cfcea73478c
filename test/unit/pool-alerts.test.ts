// `alerting` (the reference operator's switch) maps to a Prometheus rule file in the ConfigMap <pool>-alerts.
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { ALERTING_LABEL, poolAlertsConfigMap } from '../../domain/pool-alerts.js';
import { withDefaults, type PoolSpecInput } from '../../domain/pool-spec.js';

const owner = { namespace: 'stellar', name: 'testnet-pool', uid: 'u1' };
const rulesOf = (input: Partial<PoolSpecInput>) => {
  const map = poolAlertsConfigMap(owner, withDefaults({ network: 'Testnet', ...input }));
  const data = map.data as Record<string, string>;
  return { map, file: YAML.parse(data['rules.yaml'] as string) as { groups: { name: string; rules: { alert: string; expr: string; for: string; labels: Record<string, string> }[] }[] } };
};

describe('pool alerts', () => {
  it('with alerting, holds one rule group over this pool\'s series, with its thresholds', () => {
    const { map, file } = rulesOf({ alerting: true, minReplicas: 2, targetReplicas: 3, loadBalancing: { lagThreshold: 20 } });
    expect(map.metadata.name).toBe('testnet-pool-alerts');
    expect((map.metadata.labels as Record<string, string>)[ALERTING_LABEL]).toBe('true');
    expect(map.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReadOnlyPool', name: 'testnet-pool', uid: 'u1', controller: true })]);
    expect(file.groups).toHaveLength(1);
    expect(file.groups[0]?.rules.map((r) => [r.alert, r.expr, r.for])).toEqual([
      ['StellarPoolNoFreshReplica', 'steward_pool_fresh_replicas{resource_namespace="stellar",resource="testnet-pool"} == 0', '5m'],
      ['StellarPoolFewFreshReplicas', 'steward_pool_fresh_replicas{resource_namespace="stellar",resource="testnet-pool"} < 2', '10m'],
      ['StellarPoolReplicaLagging', 'steward_replica_lag_ledgers{resource_namespace="stellar",resource="testnet-pool"} > 20', '10m'],
    ]);
    for (const rule of file.groups[0]?.rules ?? []) expect(rule.labels).toEqual(expect.objectContaining({ namespace: 'stellar', readonlypool: 'testnet-pool' }));
  });

  it.each([[{}], [{ alerting: false }]])('without alerting (%j), holds no rules', (input) => {
    const { map, file } = rulesOf(input);
    expect(file).toEqual({ groups: [] });
    expect((map.metadata.labels as Record<string, string>)[ALERTING_LABEL]).toBe('false');
  });
});
