import { poolNames } from './pool-names.js';
import { poolOwnedMetadata, type KubeObject, type PoolOwner } from './pool-objects.js';
import type { PoolSpec } from './pool-spec.js';

/** Label of the alerts ConfigMap: `"true"` when it holds rules, so a rule loader can select it. */
export const ALERTING_LABEL = 'stellar.org/alerting';

/** One Prometheus alerting rule. */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

/**
 * The pool's Prometheus alerting rules over Steward's metrics (labelled `resource_namespace`, `resource`):
 * no fresh replica (5 min, critical), fewer fresh replicas than `minReplicas` (10 min), and a replica
 * more than `lagThreshold` ledgers behind (10 min). Empty when `alerting` is false.
 */
export function poolAlertRules(owner: PoolOwner, spec: PoolSpec): AlertRule[] {
  if (!spec.alerting) return [];
  const selector = `resource_namespace="${owner.namespace}",resource="${owner.name}"`;
  const labels = (severity: string): Record<string, string> => ({ severity, namespace: owner.namespace, readonlypool: owner.name });
  const where = `ReadOnlyPool ${owner.namespace}/${owner.name}`;
  return [
    {
      alert: 'StellarPoolNoFreshReplica', expr: `steward_pool_fresh_replicas{${selector}} == 0`, for: '5m', labels: labels('critical'),
      annotations: { summary: `${where} has no fresh replica`, description: `No replica of ${where} is within ${spec.loadBalancing.lagThreshold} ledgers of the network tip; see kubectl describe rop ${owner.name} -n ${owner.namespace} (Degraded condition).` },
    },
    {
      alert: 'StellarPoolFewFreshReplicas', expr: `steward_pool_fresh_replicas{${selector}} < ${spec.minReplicas}`, for: '10m', labels: labels('warning'),
      annotations: { summary: `${where} has fewer fresh replicas than minReplicas (${spec.minReplicas})`, description: `Fewer than ${spec.minReplicas} replicas of ${where} are fresh; the autoscaler adds replicas when most lag.` },
    },
    {
      alert: 'StellarPoolReplicaLagging', expr: `steward_replica_lag_ledgers{${selector}} > ${spec.loadBalancing.lagThreshold}`, for: '10m', labels: labels('warning'),
      annotations: { summary: `A replica of ${where} lags`, description: `Replica {{ $labels.replica }} of ${where} is more than ${spec.loadBalancing.lagThreshold} ledgers behind the network tip and gets the lagging weight.` },
    },
  ];
}

/**
 * The ConfigMap `<pool>-alerts`: `rules.yaml` is a Prometheus rule file (written as JSON, which YAML
 * reads) with one group of `poolAlertRules`; a pool with `alerting: false` gets the same map with no
 * groups, so turning alerting off empties it without a delete.
 */
export function poolAlertsConfigMap(owner: PoolOwner, spec: PoolSpec): KubeObject {
  const rules = poolAlertRules(owner, spec);
  const file = { groups: rules.length > 0 ? [{ name: `stellar-steward-${owner.namespace}-${owner.name}`, rules }] : [] };
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: poolOwnedMetadata(owner, poolNames(owner).alertsConfigMap, { [ALERTING_LABEL]: String(spec.alerting) }),
    data: { 'rules.yaml': `${JSON.stringify(file, null, 2)}\n` },
  };
}
