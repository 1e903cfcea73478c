import { describe, expect, it } from '@jest/globals';
import { keepLiveClaimTemplates, liveClaimTemplates, type ClaimTemplate } from '../../domain/claim-templates.js';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { decidePool } from '../../domain/pool-decision.js';
import type { PoolObservation } from '../../domain/pool-observation.js';
import { sameQuantity } from '../../domain/quantity.js';

const template = (size: string, extra: Record<string, unknown> = {}, name = 'data'): ClaimTemplate => ({
  metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...extra },
});
/** What the API server returns for a template it stored: volumeMode defaulted. */
const stored = (size: string, extra: Record<string, unknown> = {}, name = 'data'): ClaimTemplate => template(size, { volumeMode: 'Filesystem', ...extra }, name);

describe('sameQuantity', () => {
  it.each([
    ['1Gi', '1Gi', true], ['1Gi', '1024Mi', true], ['1.5Gi', '1536Mi', true], ['1G', '1000M', true], ['1e3', '1k', true],
    ['500m', '0.5', true], ['1Gi', '1G', false], ['1Gi', '2Gi', false], ['10Gi', '1Gi', false], ['1E', '1000P', true], ['junk', 'junk', true], ['junk', '1Gi', false],
  ])('%s vs %s: %s', (a, b, same) => {
    expect(sameQuantity(a, b)).toBe(same);
  });
});

describe('keepLiveClaimTemplates', () => {
  it.each<[string, ClaimTemplate[], ClaimTemplate[] | undefined, ClaimTemplate[], string[]]>([
    ['no StatefulSet yet: the desired templates', [template('2Gi')], undefined, [template('2Gi')], []],
    ['unchanged (the defaulted volumeMode ignored): the desired templates', [template('1Gi')], [stored('1Gi')], [template('1Gi')], []],
    ['the same size spelled otherwise: spelled as live, no change', [template('1024Mi')], [stored('1Gi')], [template('1Gi')], []],
    ['a new size: the live template, and the change', [template('2Gi')], [stored('1Gi')], [stored('1Gi')], ['data: storage 1Gi -> 2Gi']],
    ['a new class: the live template, and the change', [template('1Gi', { storageClassName: 'fast' })], [stored('1Gi', { storageClassName: 'standard' })], [stored('1Gi', { storageClassName: 'standard' })], ['data: storageClassName standard -> fast']],
    ['a class dropped from the spec is a change too (applying without it would be refused)', [template('1Gi')], [stored('1Gi', { storageClassName: 'standard' })], [stored('1Gi', { storageClassName: 'standard' })], ['data: storageClassName standard -> (default)']],
    ['another field changed', [template('1Gi', { accessModes: ['ReadWriteMany'] })], [stored('1Gi')], [stored('1Gi')], ['data: spec differs from the live template']],
    ['a template added and one removed: the live ones, in live order', [template('1Gi', {}, 'vol-1')], [stored('1Gi', {}, 'vol-0')], [stored('1Gi', {}, 'vol-0')], ['vol-0: kept, though no longer wanted', 'vol-1: not added']],
  ])('%s', (_name, desired, live, templates, changes) => {
    expect(keepLiveClaimTemplates(desired, live)).toEqual({ templates, changes });
  });

  it('reads live templates without what the API server adds', () => {
    const live = [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', creationTimestamp: null }, spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } }];
    expect(liveClaimTemplates(live as never)).toEqual([{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }]);
  });
});

describe('decidePool: a claim template change Kubernetes forbids', () => {
  const TESTNET = NETWORK_PASSPHRASES.Testnet;
  const NOW = Date.UTC(2026, 0, 1);
  const observe = (size: string, targetReplicas: number, pods: number, status?: PoolObservation['pool']['status']): PoolObservation => ({
    pool: { namespace: 'ns', name: 'pool', uid: 'uid-1', generation: 2, spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 5, targetReplicas, storage: { size } }, status },
    statefulSetReplicas: 3,
    statefulSetClaimTemplates: [stored('1Gi')],
    pods: Array.from({ length: pods }, (_, i) => ({ name: `pool-${i}`, ready: true, labels: {}, annotations: {} })),
    probes: Array.from({ length: pods }, (_, i) => ({ replica: `pool-${i}`, ready: true, info: { state: 'Synced!', ledger: 6400, network: TESTNET } })),
    tipSources: [{ source: 'archive http://a', ledger: 6400, network: TESTNET }],
    sourceErrors: [],
  });
  const statefulSet = (decision: ReturnType<typeof decidePool>) => decision.objects.find((o) => o.kind === 'StatefulSet') as unknown as { spec: { replicas: number; volumeClaimTemplates: ClaimTemplate[] } };

  it('keeps the live template, scales on, reports Stalled=True NeedsRecreation with what to do, and warns once', () => {
    const decision = decidePool(observe('2Gi', 4, 3), { autoscaler: {} }, { now: NOW, rebalanceRequested: false });
    expect(statefulSet(decision).spec.replicas).toBe(4);
    expect(statefulSet(decision).spec.volumeClaimTemplates).toEqual([stored('1Gi')]);
    const stalled = decision.status.conditions.find((c) => c.type === 'Stalled');
    expect(stalled).toEqual(expect.objectContaining({ status: 'True', reason: 'NeedsRecreation', observedGeneration: 2 }));
    expect(stalled?.message).toContain('StatefulSet ns/pool');
    expect(stalled?.message).toContain('storage 1Gi -> 2Gi');
    expect(stalled?.message).toContain('kubectl delete statefulset pool -n ns --cascade=orphan');
    expect(decision.events).toContainEqual({ type: 'Warning', reason: 'NeedsRecreation', message: stalled?.message });

    const again = decidePool(observe('2Gi', 4, 4, decision.status), decision.memory, { now: NOW + 10_000, rebalanceRequested: false });
    expect(again.events.filter((e) => e.reason === 'NeedsRecreation')).toEqual([]);
    expect(again.status.conditions.find((c) => c.type === 'Stalled')).toEqual(stalled);
  });

  it('is Stalled=False when the templates match, and after the StatefulSet is re-created with the new one', () => {
    const same = decidePool(observe('1Gi', 3, 3), { autoscaler: {} }, { now: NOW, rebalanceRequested: false });
    expect(same.status.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'False' }));
    const recreated = decidePool({ ...observe('2Gi', 3, 3), statefulSetClaimTemplates: undefined, statefulSetReplicas: undefined }, { autoscaler: {} }, { now: NOW, rebalanceRequested: false });
    expect(statefulSet(recreated).spec.volumeClaimTemplates).toEqual([template('2Gi')]);
    expect(recreated.status.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'False' }));
  });
});
