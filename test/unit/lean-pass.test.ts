import { describe, expect, it } from '@jest/globals';
import { canonicalJson, digestOf } from '../../domain/digest.js';
import { applyReason, desiredDigest } from '../../domain/pool-apply-check.js';
import { appliedFingerprint, heldReason, ownedRefs, type AppliedFingerprint } from '../../domain/owned-fingerprint.js';
import type { KubeObject } from '../../domain/pool-objects.js';
import { fullObservation, type LeanPoolObservation, type ObservedPod, type PoolObjects } from '../../domain/pool-observation.js';
import { parseCollectionPath, parseObjectPath, selectorKeys, selectorMatches } from '../../kube/object-paths.js';
import { stewardFieldsDigest } from '../../kube/steward-fields.js';

describe('digestOf', () => {
  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }],
    [{ a: { c: 'x', b: undefined } }, { a: { c: 'x' } }],
  ])('gives equal values equal digests whatever their key order (%j)', (a, b) => {
    expect(digestOf(a)).toBe(digestOf(b));
  });

  it.each([
    [{ a: 1 }, { a: 2 }],
    [[1, 2], [2, 1]],
    [{ a: '1' }, { a: 1 }],
    [{ a: null }, {}],
  ])('tells different values apart (%j, %j)', (a, b) => {
    expect(digestOf(a)).not.toBe(digestOf(b));
  });

  it('writes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ z: [{ b: 1, a: 2 }], a: 'x' })).toBe('{"a":"x","z":[{"a":2,"b":1}]}');
  });
});

describe('object paths and selectors', () => {
  it.each([
    ['/api/v1/namespaces/ns/pods', { prefix: '/api/v1', namespace: 'ns', plural: 'pods' }],
    ['/apis/apps/v1/namespaces/ns/statefulsets', { prefix: '/apis/apps/v1', namespace: 'ns', plural: 'statefulsets' }],
    ['/api/v1/pods', { prefix: '/api/v1', namespace: '', plural: 'pods' }],
    ['/apis/stellar.org/v1alpha1/stellarnodes', { prefix: '/apis/stellar.org/v1alpha1', namespace: '', plural: 'stellarnodes' }],
    ['/api/v1/namespaces', undefined],
    ['/apis/apps/v1', undefined],
    ['/api/v1/namespaces/ns/pods/p', undefined],
  ])('parses the collection path %s', (path, expected) => {
    expect(parseCollectionPath(path)).toEqual(expected);
  });

  it.each([
    ['/apis/stellar.org/v1alpha1/namespaces/ns/readonlypools/p', { collection: { prefix: '/apis/stellar.org/v1alpha1', namespace: 'ns', plural: 'readonlypools' }, name: 'p' }],
    ['/apis/stellar.org/v1alpha1/namespaces/ns/readonlypools/p/status', undefined],
    ['/api/v1/namespaces/ns', undefined],
  ])('parses the object path %s', (path, expected) => {
    expect(parseObjectPath(path)).toEqual(expected);
  });

  it.each([
    ['a=1,b=2', { a: '1', b: '2', c: '3' }, true],
    ['a=1,b=2', { a: '1' }, false],
    ['a==1', { a: '1' }, true],
    ['a', { a: '' }, true],
    ['a', { b: '1' }, false],
    [undefined, {}, true],
  ])('selector %s on %j matches: %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });

  it('refuses set-based selectors rather than misread them', () => {
    expect(() => selectorMatches('a in (x,y)', { a: 'x' })).toThrow(/only k=v/);
    expect(() => selectorMatches('!a', {})).toThrow(/only k=v/);
  });

  it('watches by the sorted keys of a selector', () => {
    expect(selectorKeys('stellar.org/pool=p,app.kubernetes.io/name=stellar-core')).toEqual(['app.kubernetes.io/name', 'stellar.org/pool']);
  });
});

describe("Steward's fields fingerprint", () => {
  const object = (managedFields: unknown[], uid = 'u1') => ({ metadata: { uid, managedFields } });
  const apply = { manager: 'stellar-steward', operation: 'Apply', apiVersion: 'apps/v1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } };
  const status = { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': {} } };

  it('ignores other managers and the status subresource', () => {
    expect(stewardFieldsDigest(object([apply, status]))).toBe(stewardFieldsDigest(object([apply])));
    expect(stewardFieldsDigest(object([apply, { ...apply, manager: 'stellar-steward', subresource: 'status' }]))).toBe(stewardFieldsDigest(object([apply])));
  });

  it('changes when a field leaves Steward\'s set or the object is re-created', () => {
    const base = stewardFieldsDigest(object([apply]));
    expect(stewardFieldsDigest(object([{ ...apply, fieldsV1: { 'f:spec': {} } }]))).not.toBe(base);
    expect(stewardFieldsDigest(object([apply], 'u2'))).not.toBe(base);
  });
});

describe('applyReason', () => {
  const statefulSet: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'p', namespace: 'ns' }, spec: { replicas: 1 } } as unknown as KubeObject;
  const pod: ObservedPod = { name: 'p-0', ready: true, labels: { 'stellar.org/serving': 'true' }, annotations: { 'stellar.org/shard-id': '0' } };
  const patch = { pod: 'p-0', labels: { 'stellar.org/serving': 'true' }, annotations: { 'stellar.org/shard-id': '0' } };
  const decision = { objects: [statefulSet], obsoleteServices: [] as string[], podPatches: [patch] };
  const last: AppliedFingerprint = { desired: desiredDigest(decision), owned: ownedRefs([statefulSet]), ownedDigest: 'd1' };

  it.each([
    ['nothing changed', decision, [pod], 'd1', last, undefined],
    ['no apply seen yet', decision, [pod], 'd1', undefined, 'no apply seen yet'],
    ['the cluster changed', decision, [pod], 'd2', last, 'owned objects changed in the cluster'],
    ['the fingerprint is unknown', decision, [pod], undefined, last, 'owned objects changed in the cluster'],
    ['the desired state changed', { ...decision, objects: [{ ...statefulSet, spec: { replicas: 2 } } as unknown as KubeObject] }, [pod], 'd1', last, 'desired objects changed'],
    ['a Service to delete', { ...decision, obsoleteServices: ['p-1'] }, [pod], 'd1', last, 'objects to delete'],
    ['a route to delete', { ...decision, obsoleteRoute: 'p' }, [pod], 'd1', last, 'objects to delete'],
    ['a pod without its label', decision, [{ ...pod, labels: {} }], 'd1', last, 'pod p-0 to label'],
  ])('%s', (_what, d, pods, observed, memory, expected) => {
    expect(applyReason(d, pods, observed, memory)).toBe(expected);
  });
});

describe('what an apply left (appliedFingerprint) and when the next pass applies again (heldReason)', () => {
  const owned = [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'pool' }];

  it.each([
    ['every object written or holding', { ownedDigest: 'd1', skipped: [] }, { desired: 'want', owned, ownedDigest: 'd1' }],
    ['an object refused (422)', { ownedDigest: 'd1', refused: [{ object: 'StatefulSet pool' }], skipped: [] }, undefined],
    ['an object skipped (owned by someone else)', { ownedDigest: 'd1', skipped: ['Service pool'] }, undefined],
    ['no fingerprint (an apply without one)', { skipped: [] }, undefined],
  ])('%s', (_, result, expected) => {
    expect(appliedFingerprint('want', owned, result)).toEqual(expected);
  });

  const last: AppliedFingerprint = { desired: 'want', owned, ownedDigest: 'd1' };
  it.each([
    ['nothing applied yet', 'want', 'd1', undefined, 'no apply seen yet'],
    ['other desired objects', 'other', 'd1', last, 'desired objects changed'],
    ['the owned objects changed by hand', 'want', 'd2', last, 'owned objects changed in the cluster'],
    ['the owned objects unreadable', 'want', undefined, last, 'owned objects changed in the cluster'],
    ['the same desired objects, still holding', 'want', 'd1', last, undefined],
  ])('%s', (_, desired, observed, previous, reason) => {
    expect(heldReason(desired, observed, previous)).toBe(reason);
  });
});

describe('fullObservation', () => {
  const objects = { pool: { namespace: 'ns', name: 'p', uid: 'u', generation: 1, spec: {} }, pods: [] } as unknown as PoolObjects;
  const readings = { probes: [], tipSources: [], sourceErrors: [] };

  it('takes the objects sent, or those held under the same digest, and never others', () => {
    const sent: LeanPoolObservation = { v: 1, objectsDigest: 'a', objects, readings };
    const omitted: LeanPoolObservation = { v: 1, objectsDigest: 'a', readings };
    expect(fullObservation(sent, undefined)).toEqual({ ...objects, ...readings });
    expect(fullObservation(omitted, { digest: 'a', objects })).toEqual({ ...objects, ...readings });
    expect(fullObservation(omitted, { digest: 'b', objects })).toBeUndefined();
    expect(fullObservation(omitted, undefined)).toBeUndefined();
  });
});
