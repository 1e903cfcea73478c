import { describe, expect, it } from '@jest/globals';
import type { WorkflowSubject } from '../../domain/names.js';
import { STOPPED_ANNOTATION } from '../../domain/stop-mark.js';
import { resourceChangeMatters, snapshotOf, subjectStopped, type MetadataSnapshot } from '../../kube/trigger-rules.js';
import { TRIGGERS } from '../../kube/trigger-specs.js';
import type { WatchedChange } from '../../kube/resource-watcher.js';

const base: MetadataSnapshot = { generation: 3, labels: { app: 'x' }, annotations: { note: 'a' } };

describe('resourceChangeMatters: does a change of the managed resource itself wake its workflow?', () => {
  it.each<[string, 'ADDED' | 'MODIFIED' | 'DELETED', MetadataSnapshot | undefined, MetadataSnapshot, boolean]>([
    ['a status-only write (same generation and metadata) wakes nobody', 'MODIFIED', base, { ...base }, false],
    ['a spec change (generation moved)', 'MODIFIED', base, { ...base, generation: 4 }, true],
    ['a label added', 'MODIFIED', base, { ...base, labels: { app: 'x', tier: 'y' } }, true],
    ['a label changed', 'MODIFIED', base, { ...base, labels: { app: 'z' } }, true],
    ['the stop mark set', 'MODIFIED', base, { ...base, annotations: { note: 'a', [STOPPED_ANNOTATION]: 'true' } }, true],
    ['an annotation removed', 'MODIFIED', base, { ...base, annotations: {} }, true],
    ['deletion started', 'MODIFIED', base, { ...base, deletionTimestamp: '2026-01-01T00:00:00Z' }, true],
    ['a new object', 'ADDED', undefined, base, true],
    ['the same object again on a relist', 'ADDED', base, { ...base }, true],
    ['a deletion', 'DELETED', base, { ...base }, true],
    ['a change never seen before (no previous snapshot)', 'MODIFIED', undefined, base, true],
    ['a change of an object without generation', 'MODIFIED', { ...base, generation: undefined }, { ...base, generation: undefined }, true],
  ])('%s', (_case, type, previous, current, matters) => {
    expect(resourceChangeMatters(type, previous, current)).toBe(matters);
  });

  it('snapshotOf reads what it compares, with empty defaults', () => {
    expect(snapshotOf({ metadata: { generation: 2, labels: { a: 'b' }, resourceVersion: '9' }, status: { x: 1 } })).toEqual({ generation: 2, labels: { a: 'b' }, annotations: {}, deletionTimestamp: undefined });
    expect(snapshotOf(undefined)).toEqual({ generation: undefined, labels: {}, annotations: {}, deletionTimestamp: undefined });
  });
});

describe('subjectStopped', () => {
  const net = (network: string): WorkflowSubject => ({ kind: 'validator-set', network });
  const marked = { ...base, annotations: { [STOPPED_ANNOTATION]: 'true' } };
  it.each<[string, { subject: WorkflowSubject; snapshot: MetadataSnapshot }[], WorkflowSubject, boolean]>([
    ['a marked pool', [{ subject: { kind: 'readonlypool', namespace: 'n', name: 'p' }, snapshot: marked }], { kind: 'readonlypool', namespace: 'n', name: 'p' }, true],
    ['an unmarked pool', [{ subject: { kind: 'readonlypool', namespace: 'n', name: 'p' }, snapshot: base }], { kind: 'readonlypool', namespace: 'n', name: 'p' }, false],
    ['another pool marked', [{ subject: { kind: 'readonlypool', namespace: 'n', name: 'q' }, snapshot: marked }], { kind: 'readonlypool', namespace: 'n', name: 'p' }, false],
    ['one of two nodes of the network marked', [{ subject: net('Testnet'), snapshot: base }, { subject: net('Test SDF Network ; September 2015'), snapshot: marked }], net('Testnet'), true],
    ['a node of another network marked', [{ subject: net('Mainnet'), snapshot: marked }, { subject: net('Testnet'), snapshot: base }], net('Testnet'), false],
    ['nothing known', [], net('Testnet'), false],
  ])('%s', (_case, resources, subject, stopped) => {
    expect(subjectStopped(resources, subject)).toBe(stopped);
  });
});

describe('the trigger table maps changes to workflows', () => {
  const change = (labels: Record<string, string>, object: unknown = {}): WatchedChange => ({ type: 'MODIFIED', namespace: 'ns', name: 'obj', labels, object });
  const none = (): undefined => undefined;

  it.each([
    ['a ReadOnlyPool wakes its own workflow, with its network', TRIGGERS.pool.watches[0], change({}, { spec: { network: 'Testnet' } }), { kind: 'readonlypool', namespace: 'ns', name: 'obj', network: 'Testnet' }],
    ['a pool pod wakes its pool', TRIGGERS.pool.watches[1], change({ 'stellar.org/pool': 'p' }), { kind: 'readonlypool', namespace: 'ns', name: 'p' }],
    ['a StellarNode wakes its network\'s set', TRIGGERS.validators.watches[0], change({}, { spec: { network: 'Mainnet' } }), { kind: 'validator-set', network: 'Mainnet' }],
    ['a StellarNode without a network maps to nothing (the runner keeps its last set)', TRIGGERS.validators.watches[0], change({}, { spec: {} }), undefined],
    ['a StellarNode written {Custom: passphrase} wakes the set of that passphrase', TRIGGERS.validators.watches[0], change({}, { spec: { network: { Custom: 'Private Net ; 2026' } } }), { kind: 'validator-set', network: 'Private Net ; 2026' }],
    ['a StellarNode written testnet wakes the Testnet set', TRIGGERS.validators.watches[0], change({}, { spec: { network: 'testnet' } }), { kind: 'validator-set', network: 'Testnet' }],
    ['a StellarNode with an unreadable network maps to nothing', TRIGGERS.validators.watches[0], change({}, { spec: { network: { Other: 'x' } } }), undefined],
    ['a ReadOnlyPool written {Custom: passphrase} carries the passphrase', TRIGGERS.pool.watches[0], change({}, { spec: { network: { Custom: 'Private Net ; 2026' } } }), { kind: 'readonlypool', namespace: 'ns', name: 'obj', network: 'Private Net ; 2026' }],
    ['a tenant StatefulSet wakes its tenant', TRIGGERS.tenants.watches[1], change({ 'rustfs.tenant': 't' }), { kind: 'tenant', namespace: 'ns', name: 't' }],
    ['a tenant pod wakes its tenant', TRIGGERS.tenants.watches[2], change({ 'rustfs.tenant': 't' }), { kind: 'tenant', namespace: 'ns', name: 't' }],
    ['a PostgresReplicaSet wakes its own workflow', TRIGGERS.replicaSets.watches[0], change({}), { kind: 'postgres-replicas', namespace: 'ns', name: 'obj' }],
  ])('%s', (_case, watched, seen, subject) => {
    expect(watched?.subjectOf(seen, none)).toEqual(subject);
  });

  it('a validator pod or Service wakes the set of the node it names, as the node was last seen', () => {
    const known = (namespace: string, name: string): WorkflowSubject | undefined => (namespace === 'ns' && name === 'v1' ? { kind: 'validator-set', network: 'Testnet' } : undefined);
    expect(TRIGGERS.validators.watches[1]?.subjectOf(change({ 'stellar.org/node': 'v1' }), known)).toEqual({ kind: 'validator-set', network: 'Testnet' });
    expect(TRIGGERS.validators.watches[2]?.subjectOf(change({ 'stellar.org/node': 'v2' }), known)).toBeUndefined();
  });

  it('only the resource watches may start a workflow; the others are owned objects', () => {
    const roles = Object.fromEntries(Object.entries(TRIGGERS).map(([kind, trigger]) => [kind, trigger.watches.map((w) => w.role)]));
    expect(roles).toEqual({ pool: ['resource', 'owned'], validators: ['resource', 'owned', 'owned'], replicaSets: ['resource'], tenants: ['resource', 'owned', 'owned'] });
  });
});
