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
      enabled: true, mode: 'Service', freshNodeWeight: 100, laggingNodeWeight: 10, lagThreshold: 1000, updateIntervalSeconds: 30, parentRefs: [],
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
  check(spec.loadBalancing.parentRefs.every((ref) => typeof ref.name === 'string' && ref.name.length > 0), 'every loadBalancing.parentRefs entry needs the name of a Gateway');
  check(spec.shardBalancing.shardCount >= 1, 'shardCount must be at least 1');
  check(!spec.shardBalancing.enabled || spec.historyArchiveUrls.length > 0, 'historyArchiveUrls is required when shardBalancing is enabled');
  return problems;
}
