import { describe, expect, it } from '@jest/globals';
import { rustfsEnv, rustfsVolumes, tenantPoolStatefulSet, type TenantPoolSpec, type TenantSpec } from '../../domain/tenant-objects.js';

const tenant = { namespace: 'stellar', name: 'store', uid: 'u-1' };
const pool = (name: string, servers: number, volumesPerServer: number, path?: string): TenantPoolSpec => ({ name, servers, persistence: { volumesPerServer, ...(path ? { path } : {}) } });
const placed = (...pools: TenantPoolSpec[]) => pools.map((p) => ({ name: `store-${p.name}-h`, pool: p }));
const host = (sts: string, last: number) => `http://${sts}-{0...${last}}.store-hl.stellar.svc.cluster.local:9000`;

describe('the RustFS volumes argument', () => {
  it.each([
    ['one pool, one server, one volume', placed(pool('a', 1, 1)), `${host('store-a-h', 0)}/data/rustfs{0...0}`],
    ['one pool of 4 servers with 2 volumes', placed(pool('a', 4, 2)), `${host('store-a-h', 3)}/data/rustfs{0...1}`],
    ['two pools, in spec order, space-separated', placed(pool('b', 2, 4), pool('a', 3, 1)), `${host('store-b-h', 1)}/data/rustfs{0...3} ${host('store-a-h', 2)}/data/rustfs{0...0}`],
    ['three pools, one with its own path (trailing / dropped)', placed(pool('a', 2, 2), pool('b', 2, 2, '/mnt/disks/'), pool('c', 1, 3)),
      `${host('store-a-h', 1)}/data/rustfs{0...1} ${host('store-b-h', 1)}/mnt/disks/rustfs{0...1} ${host('store-c-h', 0)}/data/rustfs{0...2}`],
  ])('%s', (_case, pools, expected) => {
    expect(rustfsVolumes(tenant, pools)).toBe(expected);
  });

  it('names each pool by its StatefulSet name, legacy or new', () => {
    expect(rustfsVolumes(tenant, [{ name: 'store-a', pool: pool('a', 2, 1) }])).toBe(`${host('store-a', 1)}/data/rustfs{0...0}`);
  });
});

describe('the RustFS environment', () => {
  const spec = (credsSecret?: { name: string }): TenantSpec => ({ image: 'rustfs/rustfs:1.0.0', pools: [pool('a', 2, 2)], ...(credsSecret ? { credsSecret } : {}) });

  it('sets the volumes, the S3 and console addresses, and no credentials without credsSecret', () => {
    expect(rustfsEnv(tenant, spec(), placed(pool('a', 2, 2)))).toEqual([
      { name: 'RUSTFS_VOLUMES', value: `${host('store-a-h', 1)}/data/rustfs{0...1}` },
      { name: 'RUSTFS_ADDRESS', value: '0.0.0.0:9000' },
      { name: 'RUSTFS_CONSOLE_ADDRESS', value: '0.0.0.0:9001' },
      { name: 'RUSTFS_CONSOLE_ENABLE', value: 'true' },
    ]);
  });

  it('takes the credentials from the Secret by reference, never by value', () => {
    const env = rustfsEnv(tenant, spec({ name: 'store-creds' }), placed(pool('a', 2, 2)));
    expect(env.slice(4)).toEqual([
      { name: 'RUSTFS_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'store-creds', key: 'accesskey', optional: false } } },
      { name: 'RUSTFS_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'store-creds', key: 'secretkey', optional: false } } },
    ]);
  });
});

describe('a pool StatefulSet', () => {
  type Container = { env: { name: string; value?: string }[]; ports: unknown[]; volumeMounts: { name: string; mountPath: string }[] };
  const container = (p: TenantPoolSpec, pools = placed(p)) => {
    const set = tenantPoolStatefulSet(tenant, { image: 'rustfs/rustfs:1.0.0', pools: pools.map((x) => x.pool) }, p, { name: 'store-a-h', pools });
    return { set, container: (set.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0] };
  };

  it('is named by its placement and owned by the tenant', () => {
    const { set } = container(pool('a', 2, 2));
    expect(set.metadata.name).toBe('store-a-h');
    expect(set.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Tenant', name: 'store', uid: 'u-1', controller: true })]);
  });

  it('exposes the S3 and console ports', () => {
    expect(container(pool('a', 2, 2)).container?.ports).toEqual([{ name: 'http', containerPort: 9000, protocol: 'TCP' }, { name: 'console', containerPort: 9001, protocol: 'TCP' }]);
  });

  it.each([[undefined, '/data'], ['/mnt/x', '/mnt/x'], ['/mnt/x/', '/mnt/x']])('mounts its volumes under path %p as %s/rustfsN', (path, base) => {
    expect(container(pool('a', 2, 3, path)).container?.volumeMounts).toEqual([0, 1, 2].map((i) => ({ name: `vol-${i}`, mountPath: `${base}/rustfs${i}` })));
  });

  it('carries the volumes of every pool of the tenant', () => {
    const pools = placed(pool('a', 2, 2), pool('b', 3, 1));
    const volumes = container(pool('a', 2, 2), pools).container?.env.find((e) => e.name === 'RUSTFS_VOLUMES')?.value;
    expect(volumes).toBe(rustfsVolumes(tenant, pools));
    expect(volumes).toContain('store-b-h-{0...2}');
  });
});
