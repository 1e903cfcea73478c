// The watches, as data: for each kind, which collections start or wake its workflow and how a change
// maps to the workflow. One runner (resource-triggers.ts) runs them all, like kubebuilder's
// For(&Pool{}).Owns(&StatefulSet{}).
import type { WorkflowSubject } from '../domain/names.js';
import { normalizeNetwork } from '../domain/network.js';
import { POOL_LABEL, STELLAR_CORE_LABEL } from '../domain/pool-names.js';
import { NODE_LABEL } from '../domain/validator-objects.js';
import type { WatchedChange } from './resource-watcher.js';

/** The tenant label on a Tenant's StatefulSets and pods. */
const TENANT_LABEL = 'rustfs.tenant';

/** One watched collection of a kind. */
export interface WatchSpec {
  /** Collection path; `scope` is `/namespaces/<ns>` for a watch of one namespace, empty for all. */
  path: (scope: string) => string;
  labelSelector?: string;
  /**
   * `resource`: the managed resource itself: may start the workflow, respects the stop mark, and its
   * status-only changes wake nobody. `owned`: an object it owns (pods, StatefulSets, Services): any
   * change wakes the owner, never starts it.
   */
  role: 'resource' | 'owned';
  /**
   * The workflow subject of a change; `resourceSubject` looks up a managed resource seen on this kind's
   * `resource` watch (a validator's pod names its StellarNode, whose network names the set).
   */
  subjectOf: (change: WatchedChange, resourceSubject: (namespace: string, name: string) => WorkflowSubject | undefined) => WorkflowSubject | undefined;
}

/** One kind's trigger: its workflow, how to build a start's input, the debounce and the watches. */
export interface TriggerSpec {
  /** Workflow type name, as registered by the worker. */
  workflowType: 'readOnlyPoolWorkflow' | 'validatorSetWorkflow' | 'tenantWorkflow' | 'postgresReplicasWorkflow';
  /** The input of a started workflow: the subject's reference, over the given defaults. */
  input: (subject: WorkflowSubject, defaults: object) => object;
  /** Changes of one subject within this window wake its workflow once. */
  debounceMs: number;
  watches: WatchSpec[];
}

/** The changed object's network in its one form (`{Custom: p}` -> `p`); undefined when it names none. */
function spec(change: WatchedChange): { network?: string } {
  const network = normalizeNetwork((change.object as { spec?: { network?: unknown } }).spec?.network);
  return network ? { network } : {};
}

const namespaced = (subject: WorkflowSubject): { namespace: string; name: string } =>
  (subject.kind === 'validator-set' ? { namespace: '', name: '' } : { namespace: subject.namespace, name: subject.name });

/** Objects of a validator (label `stellar.org/node`): they wake the set of the node's network. */
function ownedByNode(path: WatchSpec['path']): WatchSpec {
  return {
    path, labelSelector: NODE_LABEL, role: 'owned',
    subjectOf: (change, resourceSubject) => {
      const node = change.labels[NODE_LABEL];
      return node ? resourceSubject(change.namespace, node) : undefined;
    },
  };
}

/** Objects of a Tenant (label `rustfs.tenant`): they wake the tenant. */
function ownedByTenant(path: WatchSpec['path']): WatchSpec {
  return {
    path, labelSelector: TENANT_LABEL, role: 'owned',
    subjectOf: (change) => {
      const tenant = change.labels[TENANT_LABEL];
      return tenant ? { kind: 'tenant', namespace: change.namespace, name: tenant } : undefined;
    },
  };
}

/** The four kinds' triggers. */
export const TRIGGERS = {
  pool: {
    workflowType: 'readOnlyPoolWorkflow',
    input: (subject, defaults) => ({ ...defaults, ...namespaced(subject) }),
    debounceMs: 100,
    watches: [
      { path: (scope) => `/apis/stellar.org/v1alpha1${scope}/readonlypools`, role: 'resource',
        subjectOf: (change) => ({ kind: 'readonlypool', namespace: change.namespace, name: change.name, network: spec(change).network }) },
      { path: (scope) => `/api/v1${scope}/pods`, labelSelector: `${STELLAR_CORE_LABEL}=true,${POOL_LABEL}`, role: 'owned',
        subjectOf: (change) => {
          const pool = change.labels[POOL_LABEL];
          return pool ? { kind: 'readonlypool', namespace: change.namespace, name: pool } : undefined;
        } },
    ],
  },
  validators: {
    workflowType: 'validatorSetWorkflow',
    input: (subject, defaults) => ({ ...defaults, network: subject.kind === 'validator-set' ? subject.network : '' }),
    debounceMs: 50,
    watches: [
      // A node without a network (being edited) keeps the set it had; the runner remembers it.
      { path: (scope) => `/apis/stellar.org/v1alpha1${scope}/stellarnodes`, role: 'resource',
        subjectOf: (change) => {
          const { network } = spec(change);
          return network ? { kind: 'validator-set', network } : undefined;
        } },
      ownedByNode((scope) => `/api/v1${scope}/pods`),
      ownedByNode((scope) => `/api/v1${scope}/services`),
    ],
  },
  replicaSets: {
    workflowType: 'postgresReplicasWorkflow',
    input: (subject) => namespaced(subject),
    debounceMs: 50,
    watches: [
      { path: (scope) => `/apis/stellar.org/v1alpha1${scope}/postgresreplicasets`, role: 'resource',
        subjectOf: (change) => ({ kind: 'postgres-replicas', namespace: change.namespace, name: change.name }) },
    ],
  },
  tenants: {
    workflowType: 'tenantWorkflow',
    input: (subject, defaults) => ({ ...defaults, ...namespaced(subject) }),
    debounceMs: 50,
    watches: [
      { path: (scope) => `/apis/rustfs.com/v1alpha1${scope}/tenants`, role: 'resource',
        subjectOf: (change) => ({ kind: 'tenant', namespace: change.namespace, name: change.name }) },
      ownedByTenant((scope) => `/apis/apps/v1${scope}/statefulsets`),
      ownedByTenant((scope) => `/api/v1${scope}/pods`),
    ],
  },
} satisfies Record<string, TriggerSpec>;
