// Activities: every piece of I/O the workflows need (Kubernetes, stellar-core, PostgreSQL), created
// from a factory over their clients so that tests and the worker wire the real ones.
import { defaultHttpClient, type HttpClient } from './http-client.js';
import type { KubeReader } from '../kube/object-cache.js';
import type { KubeRest } from '../kube/rest.js';
import type { NamespaceScope } from '../kube/namespace-scope.js';
import { createPoolActivities } from './pool-activities.js';
import { createValidatorActivities } from './validator-activities.js';
import { createPostgresActivities } from './postgres-activities.js';
import { createTenantActivities } from './tenant-activities.js';
import { createStallActivities } from './stall-activities.js';
import { withHeartbeats } from './heartbeats.js';

/** The clients activities talk through. */
export interface ActivityDeps {
  kube: KubeRest;
  /** The HTTP client for sources and nodes (default: from STEWARD_EGRESS and STEWARD_CA_BUNDLE). */
  http?: HttpClient;
  /** Where steady passes read the cluster (the worker's shared watch cache); default: the API every time. */
  cache?: KubeReader;
  /**
   * The namespaces the activities list in, and the peers ConfigMap's namespace (default: all namespaces,
   * `stellar-system`). It is the worker's setting, not a workflow input: a worker runs the activities it
   * may run under its RBAC.
   */
  scope?: NamespaceScope;
}

/** Creates every activity of the project over the given clients, each heartbeating while it runs. */
export function createActivities(deps: ActivityDeps) {
  return withHeartbeats({
    ...createPoolActivities(deps.kube, deps.http ?? defaultHttpClient(), deps.cache),
    ...createValidatorActivities(deps.kube, { scope: deps.scope, cache: deps.cache }),
    ...createPostgresActivities(deps.kube),
    ...createTenantActivities(deps.kube, deps.cache),
    ...createStallActivities(deps.kube),
  });
}
