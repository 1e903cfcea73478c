import type { KubeObject } from '../domain/pool-objects.js';

const PLURALS: Record<string, string> = {
  ConfigMap: 'configmaps', Service: 'services', StatefulSet: 'statefulsets', Pod: 'pods', Secret: 'secrets',
  Namespace: 'namespaces', HTTPRoute: 'httproutes', ReadOnlyPool: 'readonlypools', StellarNode: 'stellarnodes',
  Tenant: 'tenants', PostgresReplicaSet: 'postgresreplicasets', Event: 'events',
  ServiceAccount: 'serviceaccounts', ClusterRole: 'clusterroles', ClusterRoleBinding: 'clusterrolebindings',
  Deployment: 'deployments', CustomResourceDefinition: 'customresourcedefinitions', NetworkPolicy: 'networkpolicies',
};

/** The REST path of an object from its apiVersion, kind, namespace and name. Throws for an unknown kind. */
export function objectPath(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const plural = PLURALS[object.kind];
  if (!plural) throw new Error(`no REST path known for kind ${object.kind}: add it to kube/paths.ts`);
  const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const ns = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${object.metadata.name}`;
}
