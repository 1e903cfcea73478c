import { networkSlug } from './network.js';
/** The Temporal task queue every Steward worker polls. */
export const TASK_QUEUE = 'stellar-steward';

/** The kinds of managed things, each with one long-lived workflow. */
export type ManagedKind = 'readonlypool' | 'validator-set' | 'tenant' | 'postgres-replicas';

/** A namespaced resource reference. */
export interface ResourceRef {
  namespace: string;
  name: string;
}

/** The workflow ID of a namespaced resource: `<kind>/<namespace>/<name>`. */
export function workflowId(kind: ManagedKind, ref: ResourceRef): string {
  return `${kind}/${ref.namespace}/${ref.name}`;
}

/** The workflow ID of a network's validator set: one per network, `validator-set/<network slug>`. */
export function validatorSetWorkflowId(network: string): string {
  return `validator-set/${networkSlug(network)}`;
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
