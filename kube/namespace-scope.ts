// The namespaces a worker works in: every list and every watch of the worker stays inside them, so it
// can run with Roles in those namespaces only (the chart's rbac.mode: namespaced).

/** The default namespace of the shared `stellar-peers` ConfigMap. */
export const DEFAULT_PEERS_NAMESPACE = 'stellar-system';

/** Where a worker's lists, watches and shared objects live. */
export interface NamespaceScope {
  /** The namespaces whose resources the worker manages, each once; empty: all namespaces. */
  namespaces: readonly string[];
  /** The namespace of the shared `stellar-peers` ConfigMap (default `stellar-system`). */
  peersNamespace: string;
}

/** Every namespace, the peers ConfigMap in `stellar-system`: the scope of a worker with a ClusterRole. */
export const CLUSTER_SCOPE: NamespaceScope = { namespaces: [], peersNamespace: DEFAULT_PEERS_NAMESPACE };

/**
 * The collection paths of one kind within the scope: `path('/namespaces/<ns>')` for each namespace, or
 * `path('')` (all namespaces) when the scope names none.
 */
export function scopedPaths(namespaces: readonly string[], path: (prefix: string) => string): string[] {
  return namespaces.length ? namespaces.map((namespace) => path(`/namespaces/${namespace}`)) : [path('')];
}

/** A Namespace name: an RFC 1123 label (lower-case alphanumerics and `-`, at most 63 characters). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The namespaces of a comma-separated list (`a,b`; blanks around names and empty entries ignored, each
 * name once, in the order given). Throws naming `variable` and the entry that is not a Namespace name.
 */
export function parseNamespaceList(variable: string, text: string): string[] {
  const names = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const name of names) {
    if (!NAMESPACE_NAME.test(name)) {
      throw new Error(`${variable}=${text}: '${name}' is not a Namespace name (lower-case letters, digits and '-', at most 63): list namespaces separated by commas`);
    }
  }
  return [...new Set(names)];
}

/**
 * The scope from the environment: `STEWARD_WATCH_NAMESPACES` (or the older `STEWARD_WATCH_NAMESPACE`),
 * a comma-separated list of namespaces, unset or empty for all; `STEWARD_PEERS_NAMESPACE`, the namespace
 * of the shared `stellar-peers` ConfigMap (default `stellar-system`). Throws naming the variable when a
 * name is malformed, or when both list variables are set to different lists.
 */
export function namespaceScopeFromEnv(env: NodeJS.ProcessEnv = process.env): NamespaceScope {
  const listed = parseNamespaceList('STEWARD_WATCH_NAMESPACES', env.STEWARD_WATCH_NAMESPACES ?? '');
  const older = parseNamespaceList('STEWARD_WATCH_NAMESPACE', env.STEWARD_WATCH_NAMESPACE ?? '');
  if (listed.length && older.length && listed.join(',') !== older.join(',')) {
    throw new Error(`STEWARD_WATCH_NAMESPACES=${env.STEWARD_WATCH_NAMESPACES} and STEWARD_WATCH_NAMESPACE=${env.STEWARD_WATCH_NAMESPACE} differ: set only STEWARD_WATCH_NAMESPACES`);
  }
  const peersText = env.STEWARD_PEERS_NAMESPACE?.trim() ?? '';
  const peers = parseNamespaceList('STEWARD_PEERS_NAMESPACE', peersText);
  if (peers.length > 1) throw new Error(`STEWARD_PEERS_NAMESPACE=${peersText}: name one namespace (default ${DEFAULT_PEERS_NAMESPACE})`);
  return { namespaces: listed.length ? listed : older, peersNamespace: peers[0] ?? DEFAULT_PEERS_NAMESPACE };
}
