import { describe, expect, it } from '@jest/globals';
import { mergeConditions } from '../../domain/conditions.js';
import {
  defaultTaskQueue, legacyTenantPoolStatefulSetName, MAX_STATEFULSET_NAME, MAX_TENANT_AND_POOL_NAME, parseClusterName, parseResourceRef, subjectWorkflowId,
  tenantPoolStatefulSetName, validatorSetWorkflowId, workflowId, type WorkflowSubject,
} from '../../domain/names.js';

describe('workflow ids and resource references', () => {
  it('formats workflow ids as <kind>/<namespace>/<name>', () => {
    expect(workflowId('readonlypool', { namespace: 'stellar', name: 'mainnet' })).toBe('readonlypool/stellar/mainnet');
  });

  it.each(['stellar/pool', 'a/b'])('parses %s', (text) => {
    const [namespace, name] = text.split('/');
    expect(parseResourceRef(text)).toEqual({ namespace, name });
  });

  it.each(['pool', '/pool', 'ns/', 'a/b/c', ''])('refuses %p with the expected form', (text) => {
    expect(() => parseResourceRef(text)).toThrow(/expected <namespace>\/<name>/);
  });
});

describe('the workflow id builder', () => {
  const pool: WorkflowSubject = { kind: 'readonlypool', namespace: 'stellar', name: 'testnet-pool', network: 'Testnet' };
  const custom = 'My Network ; 2024';
  it.each<[WorkflowSubject, string | undefined, string]>([
    [pool, undefined, 'readonlypool/stellar/testnet-pool'],
    [pool, 'prod-eu-1', 'prod-eu-1/readonlypool/stellar/testnet-pool'],
    [{ kind: 'tenant', namespace: 'ns', name: 't' }, undefined, 'tenant/ns/t'],
    [{ kind: 'postgres-replicas', namespace: 'ns', name: 'db' }, 'a', 'a/postgres-replicas/ns/db'],
    [{ kind: 'validator-set', network: 'Testnet' }, undefined, 'validator-set/testnet'],
    [{ kind: 'validator-set', network: 'Test SDF Network ; September 2015' }, undefined, 'validator-set/testnet'],
    [{ kind: 'validator-set', network: 'Mainnet' }, 'prod', 'prod/validator-set/mainnet'],
    [{ kind: 'validator-set', network: custom }, 'b', `b/validator-set/${validatorSetWorkflowId(custom).split('/')[1] ?? ''}`],
  ])('%j in cluster %p is %s', (subject, cluster, id) => {
    expect(subjectWorkflowId(subject, cluster)).toBe(id);
  });

  it('keeps the ids of earlier versions without a cluster (running workflows stay addressable)', () => {
    expect(workflowId('tenant', { namespace: 'a', name: 'b' })).toBe('tenant/a/b');
    expect(validatorSetWorkflowId(custom)).toMatch(/^validator-set\/custom-[0-9a-f]{8}$/);
  });

  it('gives two clusters different ids for the same resource', () => {
    expect(subjectWorkflowId(pool, 'a')).not.toBe(subjectWorkflowId(pool, 'b'));
  });

  it.each([[undefined, 'stellar-steward'], ['prod', 'stellar-steward-prod']])('cluster %p polls %s by default', (cluster, queue) => {
    expect(defaultTaskQueue(cluster)).toBe(queue);
  });

  it.each(['prod', 'prod-eu-1', 'a', 'k8s.example.org'])('accepts the cluster name %p', (name) => {
    expect(parseClusterName(name)).toBe(name);
  });

  it.each(['', 'Prod', 'a/b', '-a', 'a-', 'a b', 'x'.repeat(64)])('refuses the cluster name %p, saying the form', (name) => {
    expect(() => parseClusterName(name)).toThrow(/not a cluster name: use lowercase letters/);
  });
});

describe('mergeConditions', () => {
  const ready = { type: 'Ready', status: 'True' as const, reason: 'AllFresh', message: 'ok', observedGeneration: 1 };

  it('stamps a new condition with now', () => {
    expect(mergeConditions(undefined, [ready], 'T1')).toEqual([{ ...ready, lastTransitionTime: 'T1' }]);
  });

  it('keeps the transition time while the status is unchanged, even when the message changes', () => {
    const previous = [{ ...ready, lastTransitionTime: 'T1' }];
    expect(mergeConditions(previous, [{ ...ready, message: 'still ok' }], 'T2')[0]?.lastTransitionTime).toBe('T1');
  });

  it('moves the transition time when the status flips', () => {
    const previous = [{ ...ready, lastTransitionTime: 'T1' }];
    expect(mergeConditions(previous, [{ ...ready, status: 'False' }], 'T2')[0]?.lastTransitionTime).toBe('T2');
  });
});

describe('Tenant pool StatefulSet names', () => {
  it.each([
    ['archive-store', 'pool-a'],
    ['t', 'p'],
    ['a-b', 'c'],
    ['a', 'b-c'],
    ['x'.repeat(21), 'y'.repeat(21)],
  ])('tenant %p with pool %p is <tenant>-<pool>-<8 hex digits>, tenant + pool + 10 characters', (tenant, pool) => {
    const name = tenantPoolStatefulSetName(tenant, pool);
    expect(name).toMatch(new RegExp(`^${tenant}-${pool}-[0-9a-f]{8}$`));
    expect(name).toHaveLength(tenant.length + pool.length + 10);
  });

  it('keeps the names StatefulSets already run under (FNV-1a of "<tenant>/<pool>", checked by hand)', () => {
    expect(tenantPoolStatefulSetName('archive-store', 'pool-a')).toBe('archive-store-pool-a-13293ab2');
  });

  it.each([
    [['a-b', 'c'], ['a', 'b-c']],
    [['a', 'b-c-d'], ['a-b', 'c-d']],
    [['store', 'a-1'], ['store-a', '1']],
  ])('tenant/pool %j and %j share the legacy name but not the new one', ([t1 = '', p1 = ''], [t2 = '', p2 = '']) => {
    expect(legacyTenantPoolStatefulSetName(t1, p1)).toBe(legacyTenantPoolStatefulSetName(t2, p2));
    expect(tenantPoolStatefulSetName(t1, p1)).not.toBe(tenantPoolStatefulSetName(t2, p2));
  });

  it('bounds tenant + pool at 42, the sum whose StatefulSet name is exactly the 52 Kubernetes runs', () => {
    expect(MAX_STATEFULSET_NAME).toBe(63 - 1 - 10);
    expect(MAX_TENANT_AND_POOL_NAME).toBe(42);
    expect(tenantPoolStatefulSetName('t'.repeat(20), 'p'.repeat(22))).toHaveLength(MAX_STATEFULSET_NAME);
    expect(tenantPoolStatefulSetName('t'.repeat(20), 'p'.repeat(23))).toHaveLength(MAX_STATEFULSET_NAME + 1);
    // The longest controller-revision-hash label value: the name, '-', and a uint32 in decimal.
    expect(`${tenantPoolStatefulSetName('t'.repeat(20), 'p'.repeat(22))}-${2 ** 32 - 1}`).toHaveLength(63);
  });
});
