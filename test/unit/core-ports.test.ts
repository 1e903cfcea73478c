import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { WORKER_NAMESPACE, WORKER_POD_LABELS } from '../../domain/network-policy.js';
import { poolConfigMap, poolHeadlessService, poolHttpRoute, poolNetworkPolicy, poolReadService, poolStatefulSet, replicaService, type KubeObject } from '../../domain/pool-objects.js';
import { withDefaults } from '../../domain/pool-spec.js';
import { HTTP_QUERY_PORT } from '../../domain/query-server.js';
import { SYNCED_PROBE_SCRIPT } from '../../domain/readiness-probe.js';
import { HTTP_PORT, PEER_PORT, renderCoreConfig } from '../../domain/stellar-core-config.js';
import { validatorObjects, type ValidatorSpec } from '../../domain/validator-objects.js';

// Ports and readiness of the generated objects: reads go to the query server, the admin port is never a
// Service target and admits only the worker, and every stellar-core container is ready only when Synced!.
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const owner = { namespace: 'ns', name: 'pool', uid: 'uid-pool' };
const spec = withDefaults({ network: 'Testnet', historyArchiveUrls: ['http://127.0.0.1:9/archive/testnet'] });
const validator: ValidatorSpec = {
  namespace: 'ns', name: 'v1', uid: 'uid-v1', network: 'Testnet', version: 'latest', suspended: false,
  seedSecret: { name: 'seeds', key: 'v1' }, storageSize: '1Gi', historyArchiveUrls: [], homeDomain: 'ns.stellar-steward.local', enableHistoryArchive: false,
};
const validatorSet = validatorObjects(validator, ['v2-0.v2-hl.ns.svc.cluster.local:11625']);
const poolObjects = [
  poolConfigMap(owner, spec), poolHeadlessService(owner), poolReadService(owner), poolNetworkPolicy(owner), poolStatefulSet(owner, spec, 3),
  replicaService(owner, 'pool-0'), poolHttpRoute(owner, [{ replica: 'pool-0', weight: 100 }]),
];

type Port = { name: string; port: number; targetPort: number };
const servicePorts = (o: KubeObject): Port[] => (o.spec as { ports: Port[] }).ports;
const containers = (o: KubeObject): Record<string, unknown>[] => (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;
const config = (o: KubeObject): Record<string, unknown> => parse((o as unknown as { data: Record<string, string> }).data['stellar-core.cfg'] ?? '') as Record<string, unknown>;
const byKind = (objects: KubeObject[], kind: string): KubeObject[] => objects.filter((o) => o.kind === kind);

describe('query server configuration (docs/software/commands.md, src/main/ApplicationImpl.cpp)', () => {
  it('turns the query server on in pool configs, on a port other than HTTP_PORT', () => {
    const keys = config(poolConfigMap(owner, spec));
    expect(keys).toEqual(expect.objectContaining({ HTTP_QUERY_PORT, QUERY_THREAD_POOL_SIZE: 4, QUERY_SNAPSHOT_LEDGERS: 5, PUBLIC_HTTP_PORT: true }));
    expect(keys.HTTP_QUERY_PORT).not.toBe(keys.HTTP_PORT);
  });

  it('never writes HTTP_QUERY_PORT into a validator config, which stellar-core would refuse', () => {
    const [configMap] = byKind(validatorSet, 'ConfigMap');
    expect(configMap && Object.keys(config(configMap)).filter((k) => k.startsWith('QUERY') || k === 'HTTP_QUERY_PORT')).toEqual([]);
    expect(() => renderCoreConfig({ network: 'Testnet', historyArchiveUrls: [], validator: { homeDomain: 'ns.stellar-steward.local', historyArchive: false, unsafeQuorum: false }, queryServer: true })).toThrow(/HTTP_QUERY_PORT/);
  });
});

describe('Service and route targets', () => {
  it.each([
    ['pool read Service', poolReadService(owner), [HTTP_QUERY_PORT]],
    ['per-replica Service', replicaService(owner, 'pool-0'), [HTTP_QUERY_PORT]],
    ['pool headless Service', poolHeadlessService(owner), [PEER_PORT, HTTP_QUERY_PORT]],
    ...byKind(validatorSet, 'Service').map((s) => [`validator Service ${s.metadata.name}`, s, [PEER_PORT]] as const),
  ])('%s targets only %j', (_name, service, ports) => {
    expect(servicePorts(service).map((p) => p.targetPort)).toEqual(ports);
    expect(servicePorts(service).map((p) => p.port)).not.toContain(HTTP_PORT);
  });

  it('routes the HTTPRoute backends to the query port', () => {
    const route = poolHttpRoute(owner, [{ replica: 'pool-0', weight: 100 }, { replica: 'pool-1', weight: 10 }]);
    const refs = (route.spec as { rules: { backendRefs: { port: number }[] }[] }).rules.flatMap((r) => r.backendRefs);
    expect(refs.map((r) => r.port)).toEqual([HTTP_QUERY_PORT, HTTP_QUERY_PORT]);
  });

  it('exposes the query port on pool pods and no query port on validator pods', () => {
    const ports = (o: KubeObject): number[] => containers(o).flatMap((c) => (c.ports as { containerPort: number }[]).map((p) => p.containerPort));
    expect(ports(byKind(poolObjects, 'StatefulSet')[0] as KubeObject)).toEqual([PEER_PORT, HTTP_QUERY_PORT, HTTP_PORT]);
    expect(ports(byKind(validatorSet, 'StatefulSet')[0] as KubeObject)).toEqual([PEER_PORT, HTTP_PORT]);
  });
});

describe('readiness probe', () => {
  it.each([['pool', byKind(poolObjects, 'StatefulSet')[0]], ['validator', byKind(validatorSet, 'StatefulSet')[0]]])('%s containers probe /info for Synced! on 127.0.0.1', (_name, set) => {
    for (const container of containers(set as KubeObject)) {
      expect(container.readinessProbe).toEqual(expect.objectContaining({ exec: { command: ['/bin/sh', '-c', SYNCED_PROBE_SCRIPT] }, failureThreshold: 2, periodSeconds: 5 }));
    }
    expect(SYNCED_PROBE_SCRIPT).toContain(`http://127.0.0.1:${HTTP_PORT}/info`);
  });

  // The probe's pattern, as POSIX ERE (grep -E), against the bodies stellar-core prints (jsoncpp styled writer).
  const pattern = new RegExp((/grep -Eq '([^']+)'/.exec(SYNCED_PROBE_SCRIPT)?.[1] ?? 'unparsed').replace(/\[\[:space:\]\]/g, '\\s'));
  it.each([
    ['"state" : "Synced!",', true],
    ['"state": "Synced!"', true],
    ['"state" : "Catching up",', false],
    ['"state" : "Joining SCP",', false],
    ['{"error": "Core is booting, try again later"}', false],
    ['"status" : [ "Synced!" ]', false],
  ])('matches %s: %s', (body, ready) => {
    expect(pattern.test(body)).toBe(ready);
  });
});

/** Whether a NetworkPolicy admits TCP traffic from a pod (namespace name, labels) to a port (matchLabels only). */
function admits(policy: KubeObject, from: { namespace: string; labels: Record<string, string> }, port: number): boolean {
  type Peer = { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } };
  const rules = (policy.spec as { ingress: { from?: Peer[]; ports?: { port: number }[] }[] }).ingress;
  const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
  const peerMatches = (peer: Peer): boolean =>
    matches(peer.namespaceSelector?.matchLabels, { 'kubernetes.io/metadata.name': from.namespace }) && matches(peer.podSelector?.matchLabels, from.labels) && (peer.namespaceSelector !== undefined || from.namespace === policy.metadata.namespace);
  return rules.some((rule) => (rule.ports ?? []).some((p) => p.port === port) && (rule.from === undefined || rule.from.some(peerMatches)));
}

describe('NetworkPolicy', () => {
  const worker = { namespace: WORKER_NAMESPACE, labels: { ...WORKER_POD_LABELS } };
  const client = { namespace: 'apps', labels: { app: 'wallet' } };
  const impostorNamespace = { namespace: 'apps', labels: { ...WORKER_POD_LABELS } };
  const otherSystemPod = { namespace: WORKER_NAMESPACE, labels: { app: 'other' } };
  const samePoolNamespace = { namespace: 'ns', labels: { 'app.kubernetes.io/name': 'stellar-core' } };
  const validatorPolicy = byKind(validatorSet, 'NetworkPolicy')[0] as KubeObject;
  it.each([
    ['pool', 'worker', HTTP_PORT, true, poolNetworkPolicy(owner), worker],
    ['pool', 'a client', HTTP_PORT, false, poolNetworkPolicy(owner), client],
    ['pool', 'worker labels in another namespace', HTTP_PORT, false, poolNetworkPolicy(owner), impostorNamespace],
    ['pool', 'another pod of the worker namespace', HTTP_PORT, false, poolNetworkPolicy(owner), otherSystemPod],
    ['pool', 'a pod of the same namespace', HTTP_PORT, false, poolNetworkPolicy(owner), samePoolNamespace],
    ['pool', 'a client', HTTP_QUERY_PORT, true, poolNetworkPolicy(owner), client],
    ['pool', 'a client', PEER_PORT, true, poolNetworkPolicy(owner), client],
    ['pool', 'a client', 22, false, poolNetworkPolicy(owner), client],
    ['validator', 'worker', HTTP_PORT, true, validatorPolicy, worker],
    ['validator', 'a client', HTTP_PORT, false, validatorPolicy, client],
    ['validator', 'a client', PEER_PORT, true, validatorPolicy, client],
    ['validator', 'a client', HTTP_QUERY_PORT, false, validatorPolicy, client],
  ] as const)('%s policy: %s -> port %d admitted: %s', (_kind, _who, port, allowed, policy, from) => {
    expect(admits(policy, from, port)).toBe(allowed);
  });

  it.each([
    ['pool', poolNetworkPolicy(owner), poolStatefulSet(owner, spec, 3)],
    ['validator', validatorPolicy, byKind(validatorSet, 'StatefulSet')[0] as KubeObject],
  ])('%s policy selects exactly the pods of its StatefulSet, lists Ingress and is owned', (_kind, policy, set) => {
    const selector = (policy.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels;
    expect(selector).toEqual((set.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels);
    expect((policy.spec as { policyTypes: string[] }).policyTypes).toEqual(['Ingress']);
    expect((policy.metadata.ownerReferences as { controller: boolean }[])[0]?.controller).toBe(true);
  });

  it('names the worker as deploy/ runs it (namespace and pod labels)', () => {
    const deployment = parseYaml(fs.readFileSync(path.join(ROOT, 'deploy', 'deployment.yaml'), 'utf8')) as { metadata: { namespace: string }; spec: { template: { metadata: { labels: Record<string, string> } } } };
    expect(deployment.metadata.namespace).toBe(WORKER_NAMESPACE);
    expect(deployment.spec.template.metadata.labels).toEqual(expect.objectContaining(WORKER_POD_LABELS));
  });
});
