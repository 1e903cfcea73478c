import { networkPassphrase, networkSlug } from './network.js';
import { adminPortPolicy } from './network-policy.js';
import type { KubeObject } from './pool-objects.js';
import { STELLAR_CORE_LABEL } from './pool-names.js';
import { syncedReadinessProbe } from './readiness-probe.js';
import { checkCoreConfig } from './core-config-rules.js';
import { knownQuorumSet, type QuorumSetSpec, type QuorumValidator } from './known-quorum-sets.js';
import { HTTP_PORT, LOCAL_ARCHIVE_DIR, PEER_PORT, renderCoreConfig, type CoreConfigInput, type CoreConfigOverride } from './stellar-core-config.js';
import { selectorText } from './replica-set-access.js';

/** Label naming the StellarNode a pod belongs to. */
export const NODE_LABEL = 'stellar.org/node';
/** Label with the network slug of a validator's objects. */
export const NETWORK_LABEL = 'stellar.org/network';

/** A validator as its objects need it. */
export interface ValidatorSpec {
  namespace: string;
  name: string;
  uid: string;
  network: string;
  version: string;
  suspended: boolean;
  seedSecret: { name: string; key: string };
  storageSize: string;
  storageClass?: string;
  historyArchiveUrls: string[];
  /** NODE_HOME_DOMAIN (`validatorConfig.homeDomain`, default `<namespace>.stellar-steward.local`). */
  homeDomain: string;
  /** `validatorConfig.quorumSet`: replaces the network's well-known quorum set. */
  quorumSet?: QuorumSetSpec;
  /** `validatorConfig.enableHistoryArchive`: a local, writable `[HISTORY.local]`. */
  enableHistoryArchive: boolean;
  /** `coreConfigOverride`, merged over the generated config. */
  coreConfigOverride?: CoreConfigOverride;
}

/** Another validator of the set, as this one's quorum set lists it. */
export interface SetMember {
  namespace: string;
  name: string;
  homeDomain: string;
  /** Its public key (derived from its seed by the observing activity); a member without one is left out. */
  publicKey?: string;
  /** `host:port` (its stable DNS name). */
  address: string;
}

/** The home-domain quality of the validator set's own organisations. */
export const OWN_QUALITY = 'MEDIUM';

/** The default home domain of the validators of a namespace. */
export function defaultHomeDomain(namespace: string): string {
  return `${namespace}.stellar-steward.local`;
}

/**
 * A validator's quorum set: the network's well-known set (or the spec's `quorumSet`), plus the OTHER
 * validators of its set whose public keys are known, each home domain at MEDIUM quality. The validator
 * itself is never listed: stellar-core adds itself (Config::addSelfToValidators in
 * stellar/stellar-core src/main/Config.cpp), and a node listed twice is an invalid quorum set.
 */
export function validatorQuorumSet(v: ValidatorSpec, members: readonly SetMember[]): QuorumSetSpec {
  const base = v.quorumSet ?? knownQuorumSet(v.network);
  const others = members.filter((m) => (m.namespace !== v.namespace || m.name !== v.name) && m.publicKey);
  const listed = new Set(base.homeDomains.map((d) => d.homeDomain));
  const ownDomains = [...new Set([v.homeDomain, ...others.map((m) => m.homeDomain)])].filter((d) => !listed.has(d));
  const validators: QuorumValidator[] = others.map((m) => ({ name: `${m.namespace}-${m.name}`, homeDomain: m.homeDomain, publicKey: m.publicKey as string, address: m.address }));
  return {
    homeDomains: [...base.homeDomains, ...ownDomains.map((homeDomain) => ({ homeDomain, quality: OWN_QUALITY as typeof OWN_QUALITY }))],
    validators: [...base.validators, ...validators],
  };
}

/**
 * The rendered config of a validator. UNSAFE_QUORUM=true is written only where stellar-core would refuse
 * the generated quorum set as unsafe without it (rule `unsafe`): one organisation joining Testnet, as
 * stellar-core's docs/stellar-core_testnet_validator.cfg does, or a set with no history archives.
 */
export function validatorConfig(v: ValidatorSpec, members: readonly SetMember[], knownPeers: readonly string[]): string {
  const input = (unsafeQuorum: boolean): CoreConfigInput => ({
    network: v.network,
    historyArchiveUrls: v.historyArchiveUrls,
    knownPeers: [...knownPeers],
    quorumSet: validatorQuorumSet(v, members),
    validator: { homeDomain: v.homeDomain, historyArchive: v.enableHistoryArchive, unsafeQuorum },
    override: v.coreConfigOverride,
  });
  const safe = renderCoreConfig(input(false));
  const unsafe = checkCoreConfig(safe, { network: networkPassphrase(v.network) }).some((p) => p.rule === 'unsafe');
  return unsafe ? renderCoreConfig(input(true)) : safe;
}

/**
 * The container's start script. It writes the seed (NODE_SEED, from the Secret through the environment)
 * and the mounted config into a memory-backed emptyDir, so the seed never touches persistent storage,
 * initializes the local history archive once when there is one, then runs stellar-core on that file.
 */
export function validatorStartScript(v: ValidatorSpec): string {
  const newHist = v.enableHistoryArchive
    ? `[ -f ${LOCAL_ARCHIVE_DIR}/.well-known/stellar-history.json ] || stellar-core new-hist local --conf ${RUNTIME_CONFIG}; `
    : '';
  return `set -e; umask 077; { printf 'NODE_SEED="%s self"\n' "$NODE_SEED"; cat /etc/stellar/stellar-core.cfg; } > ${RUNTIME_CONFIG}; ${newHist}exec stellar-core run --conf ${RUNTIME_CONFIG}`;
}

/** Where the start script assembles the config with the seed: the memory-backed emptyDir. */
export const RUNTIME_DIR = '/run/stellar';
const RUNTIME_CONFIG = `${RUNTIME_DIR}/stellar-core.cfg`;

/** The labels of every object of a validator. */
export function validatorObjectLabels(name: string, network: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'stellar-steward', [NODE_LABEL]: name, [NETWORK_LABEL]: networkSlug(network) };
}

/** The label selector of a validator's objects (the worker's cache watches them by these keys). */
export function validatorObjectSelector(name: string, network: string): string {
  return selectorText(validatorObjectLabels(name, network));
}

function metadata(v: ValidatorSpec, name: string): KubeObject['metadata'] {
  return {
    name,
    namespace: v.namespace,
    labels: validatorObjectLabels(v.name, v.network),
    ownerReferences: [{ apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', name: v.name, uid: v.uid, controller: true, blockOwnerDeletion: true }],
  };
}

/**
 * A validator's Services carry only the peer port: the admin port is never a Service target (the worker
 * dials it on the pod IP), and a validator runs no query server (stellar-core refuses HTTP_QUERY_PORT with
 * NODE_IS_VALIDATOR, src/main/ApplicationImpl.cpp).
 */
const PORTS = [{ name: 'peer', port: PEER_PORT, targetPort: PEER_PORT }];

/**
 * A validator's objects: a ConfigMap with its stellar-core configuration (KNOWN_PEERS = the other
 * validators' stable DNS names, the quorum set of `validatorQuorumSet`), a one-replica StatefulSet (zero
 * when suspended), a Service named after the node, a headless Service for per-pod DNS, and a NetworkPolicy
 * `<name>-admin` that opens the peer port and keeps the admin port to the worker. The seed comes from the
 * referenced Secret as the environment variable NODE_SEED and is joined to the config in memory at start
 * (`validatorStartScript`): it never passes through here. `config` is the config to apply (default: the
 * one `validatorConfig` generates; see domain/config-choice.ts for when another is kept).
 */
export function validatorObjects(
  v: ValidatorSpec,
  knownPeers: readonly string[],
  members: readonly SetMember[] = [],
  config: string = validatorConfig(v, members, knownPeers),
): KubeObject[] {
  const selector = { 'app.kubernetes.io/name': 'stellar-core', [NODE_LABEL]: v.name };
  const start = validatorStartScript(v);
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(v, `${v.name}-config`), data: { 'stellar-core.cfg': config } },
    { apiVersion: 'v1', kind: 'Service', metadata: metadata(v, v.name), spec: { selector, ports: PORTS } },
    { apiVersion: 'v1', kind: 'Service', metadata: metadata(v, `${v.name}-hl`), spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports: PORTS } },
    adminPortPolicy(metadata(v, `${v.name}-admin`), selector, [{ port: PEER_PORT }]),
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: metadata(v, v.name),
      spec: {
        replicas: v.suspended ? 0 : 1,
        serviceName: `${v.name}-hl`,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...selector, [STELLAR_CORE_LABEL]: 'true', [NETWORK_LABEL]: networkSlug(v.network) } },
          spec: {
            containers: [{
              name: 'stellar-core',
              image: `stellar/stellar-core:${v.version}`,
              command: ['/bin/sh', '-c', start],
              env: [
                { name: 'NETWORK_PASSPHRASE', value: networkPassphrase(v.network) },
                { name: 'NODE_SEED', valueFrom: { secretKeyRef: { name: v.seedSecret.name, key: v.seedSecret.key } } },
              ],
              ports: [{ name: 'peer', containerPort: PEER_PORT }, { name: 'admin', containerPort: HTTP_PORT }],
              readinessProbe: syncedReadinessProbe(),
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'config', mountPath: '/etc/stellar', readOnly: true },
                { name: 'runtime', mountPath: RUNTIME_DIR },
              ],
            }],
            volumes: [{ name: 'config', configMap: { name: `${v.name}-config` } }, { name: 'runtime', emptyDir: { medium: 'Memory' } }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], ...(v.storageClass ? { storageClassName: v.storageClass } : {}), resources: { requests: { storage: v.storageSize } } },
        }],
      },
    },
  ];
}
