import { describe, expect, it } from '@jest/globals';
import type { ReplicaCheckResult } from '../../domain/replica-health.js';
import { decideReplicaSet, type ObservedRoutePod, type ReplicaSetObservation, type ReplicaSetSpec } from '../../domain/replica-set.js';
import { effectivePodSelector, REPLICA_SET_OPT_IN, secretOptsIn, selectsPod } from '../../domain/replica-set-access.js';

describe('secretOptsIn', () => {
  it.each([
    ['no metadata', {}, 'db', false],
    ['annotation naming the set', { annotations: { [REPLICA_SET_OPT_IN]: 'db' } }, 'db', true],
    ['annotation naming another set', { annotations: { [REPLICA_SET_OPT_IN]: 'other' } }, 'db', false],
    ['comma list with blanks', { annotations: { [REPLICA_SET_OPT_IN]: 'a, db ,b' } }, 'db', true],
    ['a prefix is not the name', { annotations: { [REPLICA_SET_OPT_IN]: 'db2,d' } }, 'db', false],
    ['label naming the set', { labels: { [REPLICA_SET_OPT_IN]: 'db' } }, 'db', true],
    ['another key', { annotations: { 'stellar.org/postgres-replica-sets': 'db' } }, 'db', false],
    ['empty list', { annotations: { [REPLICA_SET_OPT_IN]: ' , ' } }, 'db', false],
  ])('%s', (_name, metadata, set, expected) => {
    expect(secretOptsIn(metadata, set)).toBe(expected);
  });
});

describe('effectivePodSelector and selectsPod', () => {
  it.each([
    ['unset: the opt-in label', undefined, { [REPLICA_SET_OPT_IN]: 'db' }, true],
    ['unset: no label', undefined, { app: 'pg' }, false],
    ['unset: the label naming another set', undefined, { [REPLICA_SET_OPT_IN]: 'other' }, false],
    ['empty matchLabels counts as unset', { matchLabels: {} }, { app: 'pg' }, false],
    ['matchLabels all present', { matchLabels: { app: 'pg', tier: 'db' } }, { app: 'pg', tier: 'db', x: 'y' }, true],
    ['matchLabels one differs', { matchLabels: { app: 'pg', tier: 'db' } }, { app: 'pg', tier: 'web' }, false],
    ['matchLabels one missing', { matchLabels: { app: 'pg' } }, {}, false],
  ])('%s', (_name, podSelector, labels, expected) => {
    expect(selectsPod(effectivePodSelector(podSelector, 'db'), labels)).toBe(expected);
  });
});

const spec: ReplicaSetSpec = {
  primary: { host: '127.0.0.1', port: 5000, podName: 'primary' },
  replicas: [{ host: '127.0.0.1', port: 5001, podName: 'r1' }, { host: '127.0.0.1', port: 5002, podName: 'r2' }],
  credentialsSecretRef: { name: 'creds' },
};
const good: ReplicaCheckResult = { ok: true, at: 1, responseTimeMs: 1, inRecovery: true, streaming: true, lagBytes: 0, lagSeconds: 0 };
const checks = { '127.0.0.1:5001': good, '127.0.0.1:5002': good };
const optedIn = { [REPLICA_SET_OPT_IN]: 'db' };

function decide(pods: ObservedRoutePod[], podSelector?: ReplicaSetSpec['podSelector']) {
  const observed: ReplicaSetObservation = { namespace: 'ns', name: 'db', uid: 'u', generation: 1, spec: { ...spec, podSelector }, deleting: false, pods, checks, refusals: [] };
  return decideReplicaSet(observed, {}, { now: 0 });
}
const stalledOf = (d: ReturnType<typeof decide>) => d.status.conditions.find((c) => c.type === 'Stalled');

describe('decideReplicaSet: route labels only on pods the set selects', () => {
  it.each([
    ['every pod opted in: both replicas routed, not stalled', [{ name: 'primary', routed: false, labels: optedIn }, { name: 'r1', routed: false, labels: optedIn }, { name: 'r2', routed: false, labels: optedIn }], undefined,
      ['r1', 'r2'], [{ pod: 'r1', routed: true }, { pod: 'r2', routed: true }], []],
    ['r2 without the opt-in label: only r1 routed; r2 and nothing else refused', [{ name: 'primary', routed: false, labels: optedIn }, { name: 'r1', routed: false, labels: optedIn }, { name: 'r2', routed: false, labels: { app: 'pg' } }], undefined,
      ['r1'], [{ pod: 'r1', routed: true }], ['Pod ns/r2']],
    ['a routed pod outside the selector loses its label', [{ name: 'primary', routed: false, labels: {} }, { name: 'r1', routed: true, labels: {} }, { name: 'r2', routed: true, labels: optedIn }], undefined,
      ['r2'], [{ pod: 'r1', routed: false }], ['Pod ns/primary', 'Pod ns/r1']],
    ['an explicit podSelector replaces the opt-in label', [{ name: 'primary', routed: false, labels: { app: 'pg' } }, { name: 'r1', routed: false, labels: { app: 'pg' } }, { name: 'r2', routed: false, labels: optedIn }], { matchLabels: { app: 'pg' } },
      ['r1'], [{ pod: 'r1', routed: true }], ['Pod ns/r2']],
    ['a labelled pod the spec does not name is unrouted and not refused', [{ name: 'primary', routed: false, labels: optedIn }, { name: 'r1', routed: false, labels: optedIn }, { name: 'r2', routed: false, labels: optedIn }, { name: 'stray', routed: true, labels: {} }], undefined,
      ['r1', 'r2'], [{ pod: 'r1', routed: true }, { pod: 'r2', routed: true }, { pod: 'stray', routed: false }], []],
    ['pods recorded without labels (older histories) count as selected', [{ name: 'r1', routed: true }, { name: 'r2', routed: true }], undefined,
      ['r1', 'r2'], [], []],
  ] as const)('%s', (_name, pods, podSelector, routedPods, podRoutes, refusedObjects) => {
    const d = decide(pods as unknown as ObservedRoutePod[], podSelector);
    expect(d.routedPods).toEqual(routedPods);
    expect(d.podRoutes).toEqual(podRoutes);
    expect(d.refusals.filter((r) => r.reason === 'PodNotSelected').map((r) => r.object)).toEqual(refusedObjects);
    expect(stalledOf(d)?.status).toBe(refusedObjects.length > 0 ? 'True' : 'False');
  });

  it('a refused pod: Stalled PodNotSelected naming the pod and the labels it lacks, Ready=False, a Warning Event', () => {
    const d = decide([{ name: 'r1', routed: false, labels: optedIn }, { name: 'r2', routed: false, labels: {} }]);
    expect(stalledOf(d)).toEqual(expect.objectContaining({ status: 'True', reason: 'PodNotSelected' }));
    expect(stalledOf(d)?.message).toBe(`Pod ns/r2 does not match this PostgresReplicaSet's pod selector (it lacks the labels ${REPLICA_SET_OPT_IN}=db): label the pod or fix spec.podSelector; it gets no route label until then`);
    expect(d.status.conditions.find((c) => c.type === 'Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'PodNotSelected' }));
    expect(d.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Warning', reason: 'PodNotSelected' })]));
  });

  it('a Secret that does not opt in: Stalled SecretNotOptedIn saying which annotation to add', () => {
    const refused: ReplicaCheckResult = { ok: false, at: 1, reason: 'SecretNotOptedIn', error: `annotate it ${REPLICA_SET_OPT_IN}=db (a comma list names several sets)` };
    const observed: ReplicaSetObservation = { namespace: 'ns', name: 'db', uid: 'u', generation: 1, spec, deleting: false, pods: [], checks: { '127.0.0.1:5001': refused, '127.0.0.1:5002': refused }, refusals: [] };
    const d = decideReplicaSet(observed, {}, { now: 0 });
    expect(stalledOf(d)).toEqual(expect.objectContaining({ status: 'True', reason: 'SecretNotOptedIn' }));
    expect(stalledOf(d)?.message).toBe(`Secret ns/creds does not opt in to this PostgresReplicaSet (annotate it ${REPLICA_SET_OPT_IN}=db (a comma list names several sets)): the worker reads only Secrets that name the set, and sends no credentials until then; replicas are not checked`);
    expect(d.status.replicas.map((r) => r.reason)).toEqual(['Unchecked', 'Unchecked']);
  });
});
