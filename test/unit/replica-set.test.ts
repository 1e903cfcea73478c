import { describe, expect, it } from '@jest/globals';
import type { ReplicaCheckResult } from '../../domain/replica-health.js';
import { decideReplicaSet, type ReplicaSetSpec } from '../../domain/replica-set.js';

const spec: ReplicaSetSpec = {
  primary: { host: '127.0.0.1', port: 5000, podName: 'primary' },
  replicas: [{ host: '127.0.0.1', port: 5001, podName: 'r1' }, { host: '127.0.0.1', port: 5002, podName: 'r2' }],
  credentialsSecretRef: { name: 'creds' }, failureThreshold: 2, maxLagBytes: 1000,
};
const good = (lagBytes = 0): ReplicaCheckResult => ({ ok: true, at: 1, responseTimeMs: 3, inRecovery: true, streaming: true, lagBytes, lagSeconds: 0 });
const bad: ReplicaCheckResult = { ok: false, at: 1, error: 'ECONNREFUSED' };

describe('decideReplicaSet', () => {
  it('routes to healthy replicas and reports them', () => {
    const d = decideReplicaSet(spec, 1, {}, { '127.0.0.1:5001': good(), '127.0.0.1:5002': good() }, undefined, 0);
    expect(d.routedPods).toEqual(['r1', 'r2']);
    expect(d.status).toEqual(expect.objectContaining({ healthyReplicas: 2, replicaCount: 2, routingTo: ['127.0.0.1:5001', '127.0.0.1:5002'] }));
  });

  it('ejects a replica over the lag bound at once and emits a Warning event', () => {
    const d = decideReplicaSet(spec, 1, {}, { '127.0.0.1:5001': good(5000), '127.0.0.1:5002': good() }, undefined, 0);
    expect(d.routedPods).toEqual(['r2']);
    expect(d.transitions).toEqual([expect.objectContaining({ type: 'Warning', reason: 'ReplicaUnhealthy' })]);
  });

  it('ejects a failing replica only after failureThreshold consecutive failures', () => {
    const once = decideReplicaSet(spec, 1, {}, { '127.0.0.1:5001': bad, '127.0.0.1:5002': good() }, undefined, 0);
    expect(once.routedPods).toEqual(['r1', 'r2']);
    const twice = decideReplicaSet(spec, 1, once.health, { '127.0.0.1:5001': bad, '127.0.0.1:5002': good() }, once.status, 0);
    expect(twice.routedPods).toEqual(['r2']);
  });

  it('routes to the primary when no replica is healthy, and says so', () => {
    const checks = { '127.0.0.1:5001': good(9999), '127.0.0.1:5002': good(9999) };
    const d = decideReplicaSet(spec, 1, {}, checks, undefined, 0);
    expect(d.routedPods).toEqual(['primary']);
    expect(d.status.conditions.find((c) => c.type === 'Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'NoHealthyReplica' }));
  });

  it('readmits a replica after one good check', () => {
    const down = decideReplicaSet(spec, 1, {}, { '127.0.0.1:5001': good(5000), '127.0.0.1:5002': good() }, undefined, 0);
    const back = decideReplicaSet(spec, 1, down.health, { '127.0.0.1:5001': good(), '127.0.0.1:5002': good() }, down.status, 0);
    expect(back.routedPods).toEqual(['r1', 'r2']);
    expect(back.transitions).toEqual([expect.objectContaining({ type: 'Normal', reason: 'ReplicaHealthy' })]);
  });
});
