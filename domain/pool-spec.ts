import type { QuorumSetSpec } from './known-quorum-sets.js';
import type { CoreConfigOverride } from './stellar-core-config.js';

/** The ReadOnlyPool spec (stellar.org/v1alpha1), as written by users. */
export interface PoolSpecInput {
  network: string;
  version?: string;
  minReplicas?: number;
  maxReplicas?: number;
  targetReplicas?: number;
  loadBalancing?: Partial<LoadBalancing>;
  shardBalancing?: Partial<ShardBalancing>;
  historyArchiveUrls?: string[];
  horizonUrl?: string;
  resources?: Record<string, unknown>;
  storage?: Partial<PoolStorage>;
  /** Replaces the network's well-known quorum set (`[[HOME_DOMAINS]]` and `[[VALIDATORS]]`). */
  quorumSet?: QuorumSetSpec;
  /** The reference operator's `coreConfigOverride`: TOML text (or a map) merged over the generated config. */
  coreConfigOverride?: CoreConfigOverride;
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

/** The spec with every default applied. */
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
  quorumSet?: QuorumSetSpec;
  coreConfigOverride?: CoreConfigOverride;
}

/** Applies the defaults of the reference operator (3/20/5 replicas, weights 100/10, lag 1000, ...). */
export function withDefaults(input: PoolSpecInput): PoolSpec {
  return {
    network: input.network,
    version: input.version ?? 'latest',
    minReplicas: input.minReplicas ?? 3,
    maxReplicas: input.maxReplicas ?? 20,
    targetReplicas: input.targetReplicas ?? 5,
    loadBalancing: {
      enabled: true, mode: 'Service', freshNodeWeight: 100, laggingNodeWeight: 10, lagThreshold: 1000, updateIntervalSeconds: 30,
      ...input.loadBalancing,
    },
    shardBalancing: {
      enabled: false, shardCount: 4, strategy: 'RoundRobin', autoRebalance: true, manualAssignments: [],
      ...input.shardBalancing,
    },
    historyArchiveUrls: input.historyArchiveUrls ?? [],
    horizonUrl: input.horizonUrl,
    resources: input.resources,
    storage: { size: '100Gi', retentionPolicy: 'Delete', ...input.storage },
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
  check(spec.network.length > 0, 'network must be Mainnet, Testnet, Futurenet or a custom network passphrase');
  check(spec.minReplicas >= 1, 'minReplicas must be at least 1');
  check(spec.maxReplicas >= spec.minReplicas, 'maxReplicas must be greater than or equal to minReplicas');
  check(spec.targetReplicas >= spec.minReplicas && spec.targetReplicas <= spec.maxReplicas, 'targetReplicas must lie between minReplicas and maxReplicas');
  check(spec.loadBalancing.freshNodeWeight >= 0 && spec.loadBalancing.laggingNodeWeight >= 0, 'weights must be >= 0');
  check(spec.loadBalancing.lagThreshold >= 0, 'lagThreshold must be >= 0');
  check(spec.shardBalancing.shardCount >= 1, 'shardCount must be at least 1');
  check(!spec.shardBalancing.enabled || spec.historyArchiveUrls.length > 0, 'historyArchiveUrls is required when shardBalancing is enabled');
  return problems;
}
