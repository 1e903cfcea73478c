// Refusals on demand: a ValidatingAdmissionPolicy and its binding, scoped to one namespace, that make the
// real API server refuse a write with 422 (Invalid) or 403 (Forbidden), as a cluster's policy would.
import { KubeApiError } from '../../kube/rest.js';
import { kube } from './support.js';

const API = '/apis/admissionregistration.k8s.io/v1';

/** What to refuse: UPDATEs of `resource` in `namespace` whose CEL `expression` is false. */
export interface Refusal {
  name: string;
  namespace: string;
  resource: string;
  apiGroup: string;
  expression: string;
  message: string;
  reason: 'Invalid' | 'Forbidden';
}

/**
 * Installs the policy and its binding. The API server enforces them a moment later: with a `probe` (a
 * merge patch the policy refuses), this returns only once a dry run of that patch is refused.
 */
export async function refuse(refusal: Refusal, probe?: { path: string; patch: unknown }): Promise<void> {
  await kube().apply(`${API}/validatingadmissionpolicies/${refusal.name}`, {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: refusal.name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: [refusal.apiGroup], apiVersions: ['*'], operations: ['UPDATE'], resources: [refusal.resource] }] },
      validations: [{ expression: refusal.expression, message: refusal.message, reason: refusal.reason }],
    },
  });
  await kube().apply(`${API}/validatingadmissionpolicybindings/${refusal.name}`, {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: refusal.name },
    spec: {
      policyName: refusal.name, validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': refusal.namespace } } },
    },
  });
  if (probe) await enforced(probe);
}

async function enforced(probe: { path: string; patch: unknown }): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      await kube().request('PATCH', probe.path, { body: probe.patch, contentType: 'application/merge-patch+json', query: { dryRun: 'All' } });
    } catch (error) {
      if (error instanceof KubeApiError && (error.status === 422 || error.status === 403)) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the admission policy was not enforced on ${probe.path} within 30 s`);
}

/** Removes the policy and its binding. */
export async function allow(name: string): Promise<void> {
  await kube().delete(`${API}/validatingadmissionpolicybindings/${name}`);
  await kube().delete(`${API}/validatingadmissionpolicies/${name}`);
}
