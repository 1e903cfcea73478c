import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { objectPath } from '../../kube/paths.js';
import type { KubeRest } from '../../kube/rest.js';
import type { PostgresCluster } from '../../stack/index.js';

const EXAMPLES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'examples');

/** A manifest from `examples/`. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  stringData?: Record<string, string>;
}

/** The demo's resources, all in one namespace. */
export interface DemoResources {
  namespace: string;
  pool: Manifest;
  validators: Manifest[];
  /** The validator that joins during the scenario. */
  joiningValidator: Manifest;
  tenant: Manifest;
  replicaSet: Manifest;
  secrets: Manifest[];
}

function load(file: string): Manifest[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')).map((doc) => doc.toJS() as Manifest);
}

function only(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/**
 * The example manifests, adapted to the local stack: the pool reads the simulator's history archive,
 * updates every 2 s and leaves shards put until a `rebalance` signal (so the signal has work to do);
 * the replica set checks the local PostgreSQL servers every 2 s with their real credentials.
 */
export function demoResources(sourcesUrl: string, postgres: PostgresCluster | undefined): DemoResources {
  const [pool] = load('readonlypool.yaml');
  const validatorFile = load('validators.yaml');
  const tenantFile = load('tenant.yaml');
  const dbFile = load('postgresreplicaset.yaml');
  if (!pool) throw new Error('examples/readonlypool.yaml holds no ReadOnlyPool');
  const spec = pool.spec ?? {};
  pool.spec = {
    ...spec,
    historyArchiveUrls: [`${sourcesUrl}/archive/testnet`],
    loadBalancing: { ...(spec.loadBalancing as object), updateIntervalSeconds: 2 },
    shardBalancing: { ...(spec.shardBalancing as object), shardCount: 8, autoRebalance: false },
  };
  const validators = only(validatorFile, 'StellarNode');
  const last = validators[validators.length - 1];
  if (!last) throw new Error('examples/validators.yaml holds no StellarNode');
  const joiningName = `validator-${validators.length + 1}`;
  const lastSpec = (last.spec ?? {}) as { validatorConfig?: { seedSecretRef?: { name: string; key?: string } } };
  // Its own seed (the Secret's key named after it): two validators sharing a seed would be one node to stellar-core.
  const validatorConfig = { ...lastSpec.validatorConfig, seedSecretRef: { name: lastSpec.validatorConfig?.seedSecretRef?.name ?? 'validator-seeds', key: joiningName } };
  const joiningValidator: Manifest = { ...last, metadata: { ...last.metadata, name: joiningName }, spec: { ...last.spec, validatorConfig } };
  const [replicaSet] = only(dbFile, 'PostgresReplicaSet');
  const [tenant] = only(tenantFile, 'Tenant');
  if (!replicaSet || !tenant) throw new Error('examples/ lacks the Tenant or the PostgresReplicaSet');
  const secrets = [...only(validatorFile, 'Secret'), ...only(tenantFile, 'Secret'), ...only(dbFile, 'Secret')];
  if (postgres) {
    replicaSet.spec = {
      ...replicaSet.spec,
      primary: { host: postgres.primary.host, port: postgres.primary.port },
      replicas: postgres.replicas.map((r) => ({ host: r.host, port: r.port })),
      healthCheckIntervalSeconds: 2,
    };
    for (const secret of secrets) {
      if (secret.stringData?.password !== undefined) secret.stringData = { username: postgres.user, password: postgres.password };
    }
  }
  return { namespace: pool.metadata.namespace ?? 'stellar', pool, validators, joiningValidator, tenant, replicaSet, secrets };
}

/** Applies manifests (server-side apply), creating their namespace first. */
export async function applyManifests(kube: KubeRest, namespace: string, manifests: Manifest[]): Promise<void> {
  await kube.apply(`/api/v1/namespaces/${namespace}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (const manifest of manifests) {
    const object = { ...manifest, metadata: { ...manifest.metadata, namespace } };
    await kube.apply(manifestPath(object, namespace), object);
  }
}

/** The REST path of a manifest. */
export function manifestPath(manifest: Manifest, namespace: string): string {
  return objectPath({ ...manifest, metadata: { ...manifest.metadata, namespace } } as Parameters<typeof objectPath>[0]);
}
