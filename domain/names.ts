import { fnv1a32, networkSlug } from './network.js';
/** The Temporal task queue every Steward worker polls by default. */
export const TASK_QUEUE = 'stellar-steward';

/** The kinds of managed things, each with one long-lived workflow. */
export type ManagedKind = 'readonlypool' | 'validator-set' | 'tenant' | 'postgres-replicas';

/** A namespaced resource reference. */
export interface ResourceRef {
  namespace: string;
  name: string;
}

/** What a workflow looks after: one namespaced resource, or the validator set of one network. */
export type WorkflowSubject =
  | { kind: Exclude<ManagedKind, 'validator-set'>; namespace: string; name: string; network?: string }
  | { kind: 'validator-set'; network: string };

/**
 * The one builder of workflow IDs: `<kind>/<namespace>/<name>`, or `validator-set/<network slug>` (one
 * per network), prefixed with `<cluster>/` when a cluster name is given (STEWARD_CLUSTER), so clusters
 * can share a Temporal namespace. Without a cluster the IDs are those of earlier versions, so running
 * workflows stay addressable.
 */
export function subjectWorkflowId(subject: WorkflowSubject, cluster?: string): string {
  const id = subject.kind === 'validator-set' ? `validator-set/${networkSlug(subject.network)}` : `${subject.kind}/${subject.namespace}/${subject.name}`;
  return cluster ? `${cluster}/${id}` : id;
}

/** The workflow ID of a namespaced resource: `[<cluster>/]<kind>/<namespace>/<name>`. */
export function workflowId(kind: Exclude<ManagedKind, 'validator-set'>, ref: ResourceRef, cluster?: string): string {
  return subjectWorkflowId({ kind, namespace: ref.namespace, name: ref.name }, cluster);
}

/** The workflow ID of a network's validator set: `[<cluster>/]validator-set/<network slug>`. */
export function validatorSetWorkflowId(network: string, cluster?: string): string {
  return subjectWorkflowId({ kind: 'validator-set', network }, cluster);
}

/** The task queue a cluster's workers poll by default: `stellar-steward`, or `stellar-steward-<cluster>`. */
export function defaultTaskQueue(cluster?: string): string {
  return cluster ? `${TASK_QUEUE}-${cluster}` : TASK_QUEUE;
}

const CLUSTER_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

/**
 * Checks a cluster name (STEWARD_CLUSTER): a DNS label or subdomain of lowercase letters, digits, `-`
 * and `.`, at most 63 characters, no `/` (it prefixes workflow IDs). Throws an Error that says the form.
 */
export function parseClusterName(text: string): string {
  if (!CLUSTER_NAME.test(text)) {
    throw new Error(`'${text}' is not a cluster name: use lowercase letters, digits, '-' and '.', at most 63 characters (e.g. prod-eu-1)`);
  }
  return text;
}

/**
 * Parses `<namespace>/<name>` as typed by a person. Throws an Error that says the expected form
 * when the text is not exactly two non-empty parts.
 */
export function parseResourceRef(text: string): ResourceRef {
  const parts = text.split('/');
  const [namespace, name] = parts;
  if (parts.length !== 2 || !namespace || !name) {
    throw new Error(`'${text}' is not a resource reference: expected <namespace>/<name>, e.g. stellar/mainnet-pool`);
  }
  return { namespace, name };
}

/**
 * The longest StatefulSet name whose pods Kubernetes creates: 52. Each pod carries the label
 * `controller-revision-hash: <statefulset>-<hash>`, where the hash is a uint32 in decimal (up to 10 characters;
 * kubernetes pkg/controller/history/controller_history.go, `ControllerRevisionName` and `HashControllerRevision`),
 * and a label value holds at most 63 characters; past 52 the StatefulSet is accepted but every pod is refused
 * (kubernetes/kubernetes#64023). Pod names `<statefulset>-<ordinal>` (hostnames, DNS labels of 63) then fit for any
 * int32 ordinal (10 digits).
 */
export const MAX_STATEFULSET_NAME = 52;

/** Hex digits of the hash that ends a Tenant pool's StatefulSet name. */
export const POOL_NAME_HASH_DIGITS = 8;

/**
 * The most characters a Tenant's name and a pool's name may hold together: 42, so that
 * `<tenant>-<pool>-<8 hex digits>` stays within `MAX_STATEFULSET_NAME`. `crds/tenant.yaml` enforces the same sum.
 */
export const MAX_TENANT_AND_POOL_NAME = MAX_STATEFULSET_NAME - 2 - POOL_NAME_HASH_DIGITS;

/**
 * The StatefulSet name of a Tenant pool: `<tenant>-<pool>-<hash>`, the hash being FNV-1a over `<tenant>/<pool>`
 * (8 hex digits). Two tenants of one namespace never share it: tenant `a-b` with pool `c` and tenant `a` with
 * pool `b-c` read alike but hash apart, because `/` cannot occur in either name.
 */
export function tenantPoolStatefulSetName(tenant: string, pool: string): string {
  const hash = fnv1a32(`${tenant}/${pool}`).toString(16).padStart(POOL_NAME_HASH_DIGITS, '0');
  return `${tenant}-${pool}-${hash}`;
}

/**
 * The StatefulSet name that earlier versions gave a Tenant pool: `<tenant>-<pool>`. Tenant `a-b` with pool `c`
 * and tenant `a` with pool `b-c` share it; it is kept only for StatefulSets that already run under it.
 */
export function legacyTenantPoolStatefulSetName(tenant: string, pool: string): string {
  return `${tenant}-${pool}`;
}
