import { describe, expect, it } from '@jest/globals';
import { requestKind } from '../../kube/request-kind.js';

describe('requestKind: a Kubernetes API request counted by verb and resource', () => {
  it.each<[string, string, string | undefined, string, string]>([
    ['GET', '/api/v1/namespaces/ns/pods', undefined, 'LIST', 'pods'],
    ['GET', '/api/v1/namespaces/ns/pods/p-0', undefined, 'GET', 'pods'],
    ['GET', '/api/v1/pods?labelSelector=a', undefined, 'LIST', 'pods'],
    ['GET', '/api/v1/namespaces', undefined, 'LIST', 'namespaces'],
    ['GET', '/api/v1/namespaces/ns', undefined, 'GET', 'namespaces'],
    ['WATCH', '/apis/apps/v1/namespaces/ns/statefulsets', undefined, 'WATCH', 'statefulsets'],
    ['PATCH', '/apis/stellar.org/v1alpha1/namespaces/ns/readonlypools/p/status', 'application/apply-patch+yaml', 'APPLY', 'readonlypools/status'],
    ['PATCH', '/apis/stellar.org/v1alpha1/namespaces/ns/readonlypools/p', 'application/merge-patch+json', 'PATCH', 'readonlypools'],
    ['POST', '/api/v1/namespaces/ns/events', 'application/json', 'CREATE', 'events'],
    ['PUT', '/apis/coordination.k8s.io/v1/namespaces/stellar-system/leases/l', 'application/json', 'UPDATE', 'leases'],
    ['DELETE', '/api/v1/namespaces/ns/services/s', 'application/json', 'DELETE', 'services'],
    ['GET', '/version', undefined, 'GET', 'non-resource'],
  ])('%s %s (%s) is %s %s', (method, path, contentType, verb, resource) => {
    expect(requestKind(method, path, contentType)).toEqual({ verb, resource });
  });
});
