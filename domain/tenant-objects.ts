import type { ClaimTemplate } from './claim-templates.js';
import type { KubeObject } from './pool-objects.js';

/** A Tenant pool as written in the spec. */
export interface TenantPoolSpec {
  name: string;
  servers: number;
  persistence: { volumesPerServer: number; volumeClaimTemplate?: { spec?: Record<string, unknown> } };
  resources?: Record<string, unknown>;
}

/** The Tenant spec (rustfs.com/v1alpha1). */
export interface TenantSpec {
  image: string;
  pools: TenantPoolSpec[];
  rollout?: { progressDeadlineSeconds?: number };
}

/** Labels of a tenant's pool pods. */
export function poolLabels(tenant: string, pool: string): Record<string, string> {
  return { 'rustfs.tenant': tenant, 'rustfs.pool': pool };
}

function volumeNames(pool: TenantPoolSpec): string[] {
  return Array.from({ length: pool.persistence.volumesPerServer }, (_, i) => `vol-${i}`);
}

/** A pool's claim templates `vol-0..n`, each from `persistence.volumeClaimTemplate.spec` (default 1Gi RWO). */
export function tenantClaimTemplates(pool: TenantPoolSpec): ClaimTemplate[] {
  const claimSpec = pool.persistence.volumeClaimTemplate?.spec ?? { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  return volumeNames(pool).map((name) => ({ metadata: { name }, spec: claimSpec }));
}

/**
 * A pool's StatefulSet `{tenant}-{pool}`: `servers` replicas, `volumesPerServer` claim templates (or the
 * given ones: the live ones, which Kubernetes does not let change), Parallel pod management,
 * RollingUpdate, a controller owner reference to the tenant.
 */
export function tenantPoolStatefulSet(
  tenant: { namespace: string; name: string; uid: string },
  image: string,
  pool: TenantPoolSpec,
  claimTemplates: ClaimTemplate[] = tenantClaimTemplates(pool),
): KubeObject {
  const labels = poolLabels(tenant.name, pool.name);
  const volumes = volumeNames(pool);
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: {
      name: `${tenant.name}-${pool.name}`, namespace: tenant.namespace, labels: { ...labels, 'app.kubernetes.io/managed-by': 'stellar-steward' },
      ownerReferences: [{ apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', name: tenant.name, uid: tenant.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: pool.servers,
      serviceName: `${tenant.name}-hl`,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: 'rustfs', image, resources: pool.resources ?? {},
            volumeMounts: volumes.map((name, i) => ({ name, mountPath: `/data/rustfs${i}` })),
          }],
        },
      },
      volumeClaimTemplates: claimTemplates,
    },
  };
}

/** The tenant's Services: `{t}-hl` (headless, per-pod DNS) and `{t}-io` (S3 API), selecting every pool's pods. */
export function tenantServices(tenant: { namespace: string; name: string; uid: string }): KubeObject[] {
  const metadata = (name: string): KubeObject['metadata'] => ({
    name, namespace: tenant.namespace, labels: { 'rustfs.tenant': tenant.name, 'app.kubernetes.io/managed-by': 'stellar-steward' },
    ownerReferences: [{ apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', name: tenant.name, uid: tenant.uid, controller: true, blockOwnerDeletion: true }],
  });
  const selector = { 'rustfs.tenant': tenant.name };
  const ports = [{ name: 'http', port: 9000, targetPort: 9000 }];
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: metadata(`${tenant.name}-hl`), spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports } },
    { apiVersion: 'v1', kind: 'Service', metadata: metadata(`${tenant.name}-io`), spec: { selector, ports } },
  ];
}
