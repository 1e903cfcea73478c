import type { ClaimTemplate } from './claim-templates.js';
import type { KubeObject } from './pool-objects.js';

/** A Tenant pool as written in the spec. */
export interface TenantPoolSpec {
  name: string;
  servers: number;
  persistence: { volumesPerServer: number; volumeClaimTemplate?: { spec?: Record<string, unknown> }; path?: string };
  resources?: Record<string, unknown>;
}

/** The Tenant spec (rustfs.com/v1alpha1). */
export interface TenantSpec {
  image: string;
  pools: TenantPoolSpec[];
  /** A Secret in the tenant's namespace with the keys `accesskey` and `secretkey`: the RustFS root credentials. */
  credsSecret?: { name: string };
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

/** Where a pool's placed: its StatefulSet name and, for every pool of the tenant, where their servers are. */
export interface PoolPlacement {
  /** The StatefulSet name (see `choosePoolStatefulSetName`). */
  name: string;
  /** Every applied pool of the tenant with its StatefulSet name, in spec order: one RustFS cluster spans them. */
  pools: { name: string; pool: TenantPoolSpec }[];
}

const S3_PORT = 9000;
const CONSOLE_PORT = 9001;

function dataPath(pool: TenantPoolSpec): string {
  return (pool.persistence.path ?? '/data').replace(/\/+$/, '');
}

/**
 * The `RUSTFS_VOLUMES` value that makes the pools of a tenant one RustFS cluster: per pool
 * `http://<sts>-{0...servers-1}.<tenant>-hl.<namespace>.svc.cluster.local:9000<path>/rustfs{0...volumes-1}`, the
 * pools joined by spaces, as the RustFS operator builds it (rustfs/operator
 * src/types/v1alpha1/tenant/workloads.rs, `rustfs_volumes_env_value`). Each server reaches the others through the
 * headless Service's per-pod DNS names.
 */
export function rustfsVolumes(tenant: { namespace: string; name: string }, pools: PoolPlacement['pools']): string {
  return pools.map(({ name, pool }) => {
    const hosts = `${name}-{0...${pool.servers - 1}}.${tenant.name}-hl.${tenant.namespace}.svc.cluster.local:${S3_PORT}`;
    return `http://${hosts}${dataPath(pool)}/rustfs{0...${pool.persistence.volumesPerServer - 1}}`;
  }).join(' ');
}

/**
 * The RustFS container's environment, as the RustFS operator sets it (rustfs/operator
 * src/types/v1alpha1/tenant/workloads.rs, `new_statefulset`): the volumes of every pool, the S3 and console
 * addresses, and with `credsSecret` the root credentials as references to that Secret's `accesskey` and
 * `secretkey` (never their values).
 */
export function rustfsEnv(tenant: { namespace: string; name: string }, spec: TenantSpec, pools: PoolPlacement['pools']): Record<string, unknown>[] {
  const fromSecret = (key: string) => ({ secretKeyRef: { name: spec.credsSecret?.name, key, optional: false } });
  return [
    { name: 'RUSTFS_VOLUMES', value: rustfsVolumes(tenant, pools) },
    { name: 'RUSTFS_ADDRESS', value: `0.0.0.0:${S3_PORT}` },
    { name: 'RUSTFS_CONSOLE_ADDRESS', value: `0.0.0.0:${CONSOLE_PORT}` },
    { name: 'RUSTFS_CONSOLE_ENABLE', value: 'true' },
    ...(spec.credsSecret ? [{ name: 'RUSTFS_ACCESS_KEY', valueFrom: fromSecret('accesskey') }, { name: 'RUSTFS_SECRET_KEY', valueFrom: fromSecret('secretkey') }] : []),
  ];
}

/**
 * A pool's StatefulSet (named by `placement.name`): `servers` replicas, `volumesPerServer` claim templates mounted
 * at `<path>/rustfs<i>` (or the given templates: the live ones, which Kubernetes does not let change), the RustFS
 * environment and ports (S3 9000, console 9001), Parallel pod management, RollingUpdate, a controller owner
 * reference to the tenant.
 */
export function tenantPoolStatefulSet(
  tenant: { namespace: string; name: string; uid: string },
  spec: TenantSpec,
  pool: TenantPoolSpec,
  placement: PoolPlacement,
  claimTemplates: ClaimTemplate[] = tenantClaimTemplates(pool),
): KubeObject {
  const labels = poolLabels(tenant.name, pool.name);
  const volumes = volumeNames(pool);
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: {
      name: placement.name, namespace: tenant.namespace, labels: { ...labels, 'app.kubernetes.io/managed-by': 'stellar-steward' },
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
            name: 'rustfs', image: spec.image, resources: pool.resources ?? {},
            env: rustfsEnv(tenant, spec, placement.pools),
            ports: [{ name: 'http', containerPort: S3_PORT, protocol: 'TCP' }, { name: 'console', containerPort: CONSOLE_PORT, protocol: 'TCP' }],
            volumeMounts: volumes.map((name, i) => ({ name, mountPath: `${dataPath(pool)}/rustfs${i}` })),
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
