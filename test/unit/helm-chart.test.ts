import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import type { KubeObject } from '../../domain/pool-objects.js';
import { deployDir, loadKustomization } from '../../stack/deploy.js';
import { chartDir, helm, HelmError, helmTemplate } from '../../stack/helm.js';

// The chart in deploy/helm/stellar-steward, rendered and linted by the pinned Helm (no server involved).
// Installing it into a real API server is test/integration/helm-install.test.
const ROOT = path.resolve(deployDir(), '..');

const key = (object: KubeObject) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const byKey = (objects: KubeObject[]) => new Map(objects.map((object) => [key(object), object]));

interface Container {
  image: string;
  env: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: unknown[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  containers: Container[];
  volumes: { name: string; secret?: { secretName: string } }[];
}

function deploymentOf(objects: KubeObject[]): { metadata: KubeObject['metadata']; spec: { template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } } } {
  const deployment = objects.find((object) => object.kind === 'Deployment');
  if (!deployment) throw new Error('the chart rendered no Deployment');
  return deployment as unknown as ReturnType<typeof deploymentOf>;
}

function envOf(objects: KubeObject[]): Record<string, unknown> {
  const container = deploymentOf(objects).spec.template.spec.containers[0];
  return Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable.value ?? variable.valueFrom]));
}

/** The exit status and message of a render the chart must refuse. */
function refusal(set: string[]): { status: number | null; stderr: string } {
  try {
    helmTemplate('stellar-steward', set);
  } catch (error) {
    if (error instanceof HelmError) return { status: error.status, stderr: error.stderr };
    throw error;
  }
  return { status: 0, stderr: '' };
}

describe('the chart’s CRDs', () => {
  const listed = (parse(fs.readFileSync(path.join(ROOT, 'crds', 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;

  it('are crds/*.yaml byte for byte, every one the kustomization lists and nothing else', () => {
    const shipped = fs.readdirSync(path.join(chartDir(), 'crds')).sort();
    expect(shipped).toEqual([...listed].sort());
    for (const file of listed) {
      const chartCopy = fs.readFileSync(path.join(chartDir(), 'crds', file));
      expect({ file, equal: chartCopy.equals(fs.readFileSync(path.join(ROOT, 'crds', file))) }).toEqual({ file, equal: true });
    }
  });
});

describe('helm lint', () => {
  it.each([
    ['default values', []],
    ['namespaced RBAC', ['rbac.mode=namespaced', 'watchNamespaces={stellar}']],
    ['namespaced RBAC in two namespaces and another peers namespace', ['rbac.mode=namespaced', 'watchNamespaces={team-a,team-b}', 'peersNamespace=peers']],
  ])('passes with %s', (_what, set: string[]) => {
    expect(helm(['lint', chartDir(), '--strict', ...set.flatMap((value) => ['--set', value])])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });
});

describe('helm template with default values', () => {
  const rendered = helmTemplate('stellar-steward');
  const kustomized = loadKustomization(deployDir());

  it('renders the objects of deploy/ (kustomize), object by object', () => {
    expect([...byKey(rendered).keys()].sort()).toEqual([...byKey(kustomized).keys()].sort());
    const expected = byKey(kustomized);
    for (const [name, object] of byKey(rendered)) expect({ name, object }).toEqual({ name, object: expected.get(name) });
  });

  it('tags the image with the chart’s appVersion, which is the package and kustomization version', () => {
    const chart = parse(fs.readFileSync(path.join(chartDir(), 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const kustomization = parse(fs.readFileSync(path.join(deployDir(), 'kustomization.yaml'), 'utf8')) as { images: { newTag: string }[] };
    expect([chart.version, chart.appVersion, kustomization.images[0]?.newTag]).toEqual([pkg.version, pkg.version, pkg.version]);
    expect(deploymentOf(rendered).spec.template.spec.containers[0]?.image).toBe(`stellar-steward:${pkg.version}`);
  });
});

describe('helm template with values', () => {
  it.each<[string, string[], Record<string, unknown>]>([
    ['the Temporal address and namespace', ['temporal.address=temporal.example:7233', 'temporal.namespace=prod'], { TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_NAMESPACE: 'prod' }],
    ['the task queue', ['taskQueue=steward-blue'], { STEWARD_TASK_QUEUE: 'steward-blue' }],
    ['the cluster name', ['clusterName=prod-eu-1'], { STEWARD_CLUSTER: 'prod-eu-1' }],
    ['one watched namespace', ['watchNamespaces={stellar}'], { STEWARD_WATCH_NAMESPACES: 'stellar' }],
    ['two watched namespaces', ['watchNamespaces={team-a,team-b}'], { STEWARD_WATCH_NAMESPACES: 'team-a,team-b' }],
    ['another peers namespace', ['peersNamespace=peers'], { STEWARD_PEERS_NAMESPACE: 'peers' }],
    ['metrics off', ['metrics.enabled=false'], { STEWARD_METRICS_PORT: '0' }],
    ['another metrics port', ['metrics.port=9100'], { STEWARD_METRICS_PORT: '9100' }],
    ['TLS with the system CAs', ['temporal.tls.enabled=true'], { TEMPORAL_TLS: 'true' }],
    [
      'mTLS files from a Secret, its CA and a server name',
      ['temporal.tls.secretName=temporal-mtls', 'temporal.tls.serverCA=true', 'temporal.tls.serverName=frontend.temporal'],
      {
        TEMPORAL_TLS: 'true',
        TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
        TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/steward/temporal-tls/tls.crt',
        TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/steward/temporal-tls/tls.key',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/steward/temporal-tls/ca.crt',
      },
    ],
    ['an API key from a Secret', ['temporal.apiKeySecret.name=temporal-cloud'], { TEMPORAL_API_KEY: { secretKeyRef: { name: 'temporal-cloud', key: 'api-key' } } }],
    ['extra variables', ['extraEnv[0].name=STEWARD_LOG_LEVEL', 'extraEnv[0].value=DEBUG'], { STEWARD_LOG_LEVEL: 'DEBUG' }],
  ])('sets the worker’s environment for %s', (_what, set, expected) => {
    const defaults = envOf(helmTemplate('stellar-steward'));
    expect(envOf(helmTemplate('stellar-steward', set))).toEqual({ ...defaults, ...expected });
  });

  it('runs more worker replicas with replicas=3, each told to elect its leader in its own namespace', () => {
    const deployment = deploymentOf(helmTemplate('stellar-steward', ['replicas=3'])) as unknown as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(3);
    const env = envOf(helmTemplate('stellar-steward', ['replicas=3']));
    expect([env.STEWARD_LEASE_NAMESPACE, env.STEWARD_LEASE_IDENTITY]).toEqual([{ fieldRef: { fieldPath: 'metadata.namespace' } }, { fieldRef: { fieldPath: 'metadata.name' } }]);
  });

  it('mounts the TLS Secret read-only where the TLS paths point', () => {
    const spec = deploymentOf(helmTemplate('stellar-steward', ['temporal.tls.secretName=temporal-mtls'])).spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'temporal-tls', secret: { secretName: 'temporal-mtls' } });
    expect(spec.containers[0]?.volumeMounts).toContainEqual({ name: 'temporal-tls', mountPath: '/etc/steward/temporal-tls', readOnly: true });
  });

  it('with metrics off, neither announces a scrape target nor probes /metrics', () => {
    const deployment = deploymentOf(helmTemplate('stellar-steward', ['metrics.enabled=false']));
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0]).not.toHaveProperty('readinessProbe');
    expect(deployment.spec.template.spec.containers[0]).not.toHaveProperty('ports');
  });

  it('puts the worker in another namespace and names the objects after another release', () => {
    const objects = helmTemplate('blue', ['namespace.name=steward-blue', 'image.repository=registry.example/steward', 'image.tag=0.2.0']);
    const deployment = deploymentOf(objects);
    expect(deployment.metadata).toMatchObject({ name: 'blue-stellar-steward', namespace: 'steward-blue' });
    expect(deployment.spec.template.spec.serviceAccountName).toBe('blue-stellar-steward');
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('registry.example/steward:0.2.0');
    expect(objects.find((object) => object.kind === 'ClusterRoleBinding')).toMatchObject({ subjects: [{ name: 'blue-stellar-steward', namespace: 'steward-blue' }] });
    expect(objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name)).toEqual(['steward-blue']);
  });

  it('leaves the Namespace out with namespace.create=false', () => {
    expect(helmTemplate('stellar-steward', ['namespace.create=false']).map((object) => object.kind)).not.toContain('Namespace');
  });
});

describe('rbac.mode=namespaced', () => {
  const clusterRole = byKey(loadKustomization(deployDir())).get('ClusterRole /stellar-steward') as (KubeObject & { rules: { resources: string[] }[] }) | undefined;
  const namespacedRules = clusterRole?.rules.filter((rule) => !rule.resources.includes('namespaces') && !rule.resources.includes('leases'));
  const leaseRule = clusterRole?.rules.find((rule) => rule.resources.includes('leases'));
  const peersRules = [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['stellar-peers'], verbs: ['get', 'create', 'patch'] }];
  const rulesByNamespace = (objects: KubeObject[]) =>
    Object.fromEntries(objects.filter((object) => object.kind === 'Role' && object.metadata.name === 'stellar-steward').map((role) => [role.metadata.namespace, role.rules]));

  it.each<[string, string[], Record<string, unknown>]>([
    ['one watched namespace', ['watchNamespaces={stellar}'], { stellar: namespacedRules, 'stellar-system': peersRules }],
    ['two watched namespaces', ['watchNamespaces={team-a,team-b}'], { 'team-a': namespacedRules, 'team-b': namespacedRules, 'stellar-system': peersRules }],
    ['another peers namespace', ['watchNamespaces={team-a}', 'peersNamespace=peers'], { 'team-a': namespacedRules, peers: peersRules }],
    ['the peers namespace among the watched', ['watchNamespaces={team-a,stellar-system}'], { 'team-a': namespacedRules, 'stellar-system': namespacedRules }],
  ])('with %s: the ClusterRole’s namespaced rules in each watched namespace, only the stellar-peers ConfigMap in the peers namespace', (_what, set, expected) => {
    const objects = helmTemplate('stellar-steward', ['rbac.mode=namespaced', ...set]);
    expect(rulesByNamespace(objects)).toEqual(expected);
    const bindings = objects.filter((object) => object.kind === 'RoleBinding' && object.metadata.name === 'stellar-steward');
    expect(bindings.map((binding) => binding.metadata.namespace).sort()).toEqual(Object.keys(expected).sort());
    for (const binding of bindings) {
      expect(binding).toMatchObject({ roleRef: { kind: 'Role', name: 'stellar-steward' }, subjects: [{ kind: 'ServiceAccount', name: 'stellar-steward', namespace: 'stellar-system' }] });
    }
  });

  it('grants the ClusterRole’s lease rule through a Role in the worker’s own namespace only (leader election)', () => {
    const chart = helmTemplate('stellar-steward', ['rbac.mode=namespaced', 'watchNamespaces={stellar}', 'namespace.name=steward']);
    const leaseRoles = chart.filter((object) => object.kind === 'Role' && object.metadata.name === 'stellar-steward-leader-lease');
    expect(leaseRoles.map((role) => [role.metadata.namespace, role.rules])).toEqual([['steward', [leaseRule]]]);
    expect(leaseRule).toEqual({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] });
    expect(chart.filter((object) => object.kind === 'RoleBinding' && object.metadata.name === 'stellar-steward-leader-lease')).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ namespace: 'steward' }), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'stellar-steward-leader-lease' },
        subjects: [{ kind: 'ServiceAccount', name: 'stellar-steward', namespace: 'steward' }] }),
    ]);
  });

  it.each([
    ['the default peers namespace', [], 'stellar-system'],
    ['another peers namespace', ['peersNamespace=peers'], 'peers'],
  ])('with %s: keeps one cluster-wide permission, reading that namespace', (_what, set: string[], peers) => {
    const objects = helmTemplate('stellar-steward', ['rbac.mode=namespaced', 'watchNamespaces={team-a,team-b}', ...set]);
    const clusterRoles = objects.filter((object) => object.kind === 'ClusterRole');
    expect(clusterRoles).toHaveLength(1);
    expect(clusterRoles[0]?.rules).toEqual([{ apiGroups: [''], resources: ['namespaces'], resourceNames: [peers], verbs: ['get'] }]);
    expect(objects.filter((object) => object.kind === 'ClusterRoleBinding').map((binding) => binding.metadata.name)).toEqual(['stellar-steward-peers-namespace']);
  });

  it('with cluster RBAC, the ClusterRole reads the peers namespace it is given', () => {
    const clusterRole = helmTemplate('stellar-steward', ['peersNamespace=peers']).find((object) => object.kind === 'ClusterRole');
    expect(clusterRole?.rules).toContainEqual({ apiGroups: [''], resources: ['namespaces'], resourceNames: ['peers'], verbs: ['get'] });
  });
});

describe('values the chart refuses', () => {
  it.each([
    ['an unknown RBAC mode', ['rbac.mode=everything'], 'rbac.mode=everything'],
    ['namespaced RBAC without a namespace', ['rbac.mode=namespaced'], 'needs watchNamespaces'],
    ['a watched namespace that is no Namespace name', ['watchNamespaces={a,Team_B}'], "'Team_B' is not a Namespace name"],
    ['a peers namespace that is no Namespace name', ['peersNamespace=Peers'], "'Peers' is not a Namespace name"],
  ])('%s, naming the value', (_what, set, named) => {
    const { status, stderr } = refusal(set);
    expect(status).not.toBe(0);
    expect(stderr).toContain(named);
  });
});
