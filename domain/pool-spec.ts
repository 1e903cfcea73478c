import { networkProblem, normalizeNetwork, type NetworkInput } from './network.js';
import { storageSizeProblem } from './quantity.js';

import type { QuorumSetSpec } from './known-quorum-sets.js';
import type { CoreConfigOverride } from './stellar-core-config.js';

/** The ReadOnlyPool spec (stellar.org/v1alpha1), as written by users (the reference operator's forms included). */
export interface PoolSpecInput {
  network: NetworkInput;
  version?: string;
  minReplicas?: number;
  maxReplicas?: number;
  targetReplicas?: number;
  loadBalancing?: Partial<LoadBalancing>;
  shardBalancing?: Partial<Omit<ShardBalancing, 'strategy'>> & { strategy?: ShardStrategyInput };
  historyArchiveUrls?: string[];
  horizonUrl?: string;
  resources?: Record<string, unknown>;
  storage?: Partial<Omit<PoolStorage, 'size'>> & { size?: string | number };
  /** Replaces the network's well-known quorum set (`[[HOME_DOMAINS]]` and `[[VALIDATORS]]`). */
  quorumSet?: QuorumSetSpec;
  /** The reference operator's `coreConfigOverride`: TOML text (or a map) merged over the generated config. */
  coreConfigOverride?: CoreConfigOverride;
  /** The reference operator's switch: Prometheus alerting rules for the pool (see `poolAlertsConfigMap`). */
  alerting?: boolean;
}

/** A shard strategy as written: ours, or the reference operator's camelCase (`roundRobin`, `hashBased`, `manual`). */
export type ShardStrategyInput = ShardBalancing['strategy'] | 'roundRobin' | 'hashBased' | 'manual';

const STRATEGIES: Record<ShardStrategyInput, ShardBalancing['strategy']> = {
  RoundRobin: 'RoundRobin', HashBased: 'HashBased', Manual: 'Manual', roundRobin: 'RoundRobin', hashBased: 'HashBased', manual: 'Manual',
};

/** The strategy in its one form (`hashBased` -> `HashBased`); an unknown value is kept, for validation to report. */
export function normalizeStrategy(strategy: string): ShardBalancing['strategy'] {
  return (STRATEGIES as Record<string, ShardBalancing['strategy']>)[strategy] ?? (strategy as ShardBalancing['strategy']);
}

/** How traffic is weighted toward fresh replicas. */
export interface LoadBalancing {
  enabled: boolean;
  /** `Service`: the read Service selects pods labelled serving; `GatewayAPI`: also an HTTPRoute with per-replica weights. */
  mode: 'Service' | 'GatewayAPI';
  freshNodeWeight: number;
  laggingNodeWeight: number;
  /** Ledgers behind the network tip at which a replica counts as lagging. */
  lagThreshold: number;
  updateIntervalSeconds: number;
  /** The Gateways (or listeners of one) the HTTPRoute attaches to in GatewayAPI mode (default: none). */
  parentRefs: ParentRef[];
}

/**
 * A Gateway API `ParentReference` (gateway.networking.k8s.io/v1): the Gateway, or one listener of it
 * (`sectionName`, `port`), that serves the pool's HTTPRoute. `group` and `kind` default to a Gateway and
 * `namespace` to the pool's own.
 */
export interface ParentRef {
  name: string;
  namespace?: string;
  group?: string;
  kind?: string;
  sectionName?: string;
  port?: number;
}

/** How history-archive work is split into shards. */
export interface ShardBalancing {
  enabled: boolean;
  shardCount: number;
  strategy: 'RoundRobin' | 'HashBased' | 'Manual';
  autoRebalance: boolean;
  manualAssignments: { replicaName: string; shardId: number }[];
}

/** Per-replica volumes. */
export interface PoolStorage {
  storageClass?: string;
  size: string;
  retentionPolicy: 'Delete' | 'Retain';
}

/** The spec with every default applied and every field in its one form (network, strategy, size). */
export interface PoolSpec {
  network: string;
  version: string;
  minReplicas: number;
  maxReplicas: number;
  targetReplicas: number;
  loadBalancing: LoadBalancing;
  shardBalancing: ShardBalancing;
  historyArchiveUrls: string[];
  horizonUrl?: string;
  resources?: Record<string, unknown>;
  storage: PoolStorage;
  alerting: boolean;
  quorumSet?: QuorumSetSpec;
  coreConfigOverride?: CoreConfigOverride;
}

/**
 * Applies the defaults of the reference operator (3/20/5 replicas, weights 100/10, lag 1000, ...) and
 * brings its forms to ours: `network` through `normalizeNetwork` (`{Custom: p}` -> `p`), the strategy
 * through `normalizeStrategy`, and `storage.size` to a string (a number of bytes is a quantity too).
 */
export function withDefaults(input: PoolSpecInput): PoolSpec {
  const shardBalancing = input.shardBalancing ?? {};
  return {
    network: normalizeNetwork(input.network),
    version: input.version ?? 'latest',
    minReplicas: input.minReplicas ?? 3,
    maxReplicas: input.maxReplicas ?? 20,
    targetReplicas: input.targetReplicas ?? 5,
    loadBalancing: {
      enabled: true, mode: 'Service', freshNodeWeight: 100, laggingNodeWeight: 10, lagThreshold: 1000, updateIntervalSeconds: 30, parentRefs: [],
      ...input.loadBalancing,
    },
    shardBalancing: {
      enabled: false, shardCount: 4, autoRebalance: true, manualAssignments: [],
      ...shardBalancing,
      strategy: normalizeStrategy(shardBalancing.strategy ?? 'RoundRobin'),
    },
    historyArchiveUrls: input.historyArchiveUrls ?? [],
    horizonUrl: input.horizonUrl,
    resources: input.resources,
    storage: { retentionPolicy: 'Delete', ...input.storage, size: String(input.storage?.size ?? '100Gi') },
    alerting: input.alerting ?? false,
    quorumSet: input.quorumSet,
    coreConfigOverride: input.coreConfigOverride,
  };
}

/**
 * Checks a spec with defaults applied; returns one message per problem (empty when valid). The API
 * server enforces the same rules at admission; this guards specs that reached the workflow another way.
 */
export function validatePoolSpec(spec: PoolSpec): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok) problems.push(message);
  };
  const network = networkProblem(spec.network);
  if (network) problems.push(network);
  const size = storageSizeProblem(spec.storage.size);
  if (size) problems.push(size);
  check(spec.shardBalancing.strategy in STRATEGIES, `shardBalancing.strategy must be RoundRobin, HashBased or Manual (or roundRobin, hashBased, manual); got '${spec.shardBalancing.strategy}'`);
  check(spec.minReplicas >= 1, 'minReplicas must be at least 1');
  check(spec.maxReplicas >= spec.minReplicas, 'maxReplicas must be greater than or equal to minReplicas');
  check(spec.targetReplicas >= spec.minReplicas && spec.targetReplicas <= spec.maxReplicas, 'targetReplicas must lie between minReplicas and maxReplicas');
  check(spec.loadBalancing.freshNodeWeight >= 0 && spec.loadBalancing.laggingNodeWeight >= 0, 'weights must be >= 0');
  check(spec.loadBalancing.lagThreshold >= 0, 'lagThreshold must be >= 0');
  check(spec.loadBalancing.parentRefs.every((ref) => typeof ref.name === 'string' && ref.name.length > 0), 'every loadBalancing.parentRefs entry needs the name of a Gateway');
  check(spec.shardBalancing.shardCount >= 1, 'shardCount must be at least 1');
  check(!spec.shardBalancing.enabled || spec.historyArchiveUrls.length > 0, 'historyArchiveUrls is required when shardBalancing is enabled');
  return problems;
}
