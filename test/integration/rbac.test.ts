import { describe, expect, it } from '@jest/globals';
import { apiStatusOf as statusOf, eventually, kube, workerKube } from './support.js';

describe('the shipped least-privilege ClusterRole (deploy/clusterrole.yaml)', () => {
  it('lets the worker read what it manages', async () => {
    expect(await statusOf(workerKube().request('GET', '/apis/stellar.org/v1alpha1/readonlypools'))).toBe(200);
    expect(await statusOf(workerKube().request('GET', '/api/v1/namespaces/stellar-system'))).toBe(200);
  });

  it.each([
    ['list Secrets', 'GET', '/api/v1/secrets'],
    ['delete Pods', 'DELETE', '/api/v1/namespaces/stellar-system/pods/anything'],
    ['read another Namespace', 'GET', '/api/v1/namespaces/default'],
    ['write a CRD', 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/readonlypools.stellar.org'],
    ['change a ReadOnlyPool spec', 'DELETE', '/apis/stellar.org/v1alpha1/namespaces/stellar-system/readonlypools/anything'],
    ['read ClusterRoles', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles'],
  ])('does not let the worker %s', async (_what, method, path) => {
    expect(await statusOf(workerKube().request(method, path))).toBe(403);
  });

  it('the worker Deployment applies and is rolled out by the real controllers (pods on KWOK nodes)', async () => {
    const deployment = await eventually(() => kube().request<{ spec: { template: { spec: { serviceAccountName: string } } }; status?: { readyReplicas?: number } }>('GET', '/apis/apps/v1/namespaces/stellar-system/deployments/stellar-steward'),
      (d) => d.status?.readyReplicas === 1, 60_000, 'worker Deployment ready');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('stellar-steward');
  });
});
