import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { networkSlug } from '../domain/network.js';
import { subjectWorkflowId, type WorkflowSubject } from '../domain/names.js';
import type { StewardScope } from './steward-scope.js';

/** The search attributes every Steward workflow carries (registered on the local dev server at start). */
export const STEWARD_KIND = defineSearchAttributeKey('StewardKind', SearchAttributeType.KEYWORD);
/** Namespace of the managed resource. */
export const STEWARD_NAMESPACE = defineSearchAttributeKey('StewardNamespace', SearchAttributeType.KEYWORD);
/** Name of the managed resource. */
export const STEWARD_NAME = defineSearchAttributeKey('StewardName', SearchAttributeType.KEYWORD);
/** Stellar network (its slug: `testnet`, `custom-<hash>`), where it applies: pools and validator sets. */
export const STEWARD_NETWORK = defineSearchAttributeKey('StewardNetwork', SearchAttributeType.KEYWORD);
/** The cluster (STEWARD_CLUSTER), when one is named. */
export const STEWARD_CLUSTER = defineSearchAttributeKey('StewardCluster', SearchAttributeType.KEYWORD);

/** The names of those attributes, registered as Keyword. */
export const STEWARD_SEARCH_ATTRIBUTES = [STEWARD_KIND, STEWARD_NAMESPACE, STEWARD_NAME, STEWARD_NETWORK, STEWARD_CLUSTER].map((key) => key.name);

let attributesRefused = false;

/** False once STEWARD_SEARCH_ATTRIBUTES=false is set or the Temporal namespace refused to register them. */
export function searchAttributesEnabled(): boolean {
  return !attributesRefused && process.env.STEWARD_SEARCH_ATTRIBUTES !== 'false';
}

/** Start workflows without search attributes from now on: the Temporal namespace refused to register them. */
export function withoutSearchAttributes(): void {
  attributesRefused = true;
}

/** What every Steward workflow start carries. */
export interface WorkflowStartOptions {
  workflowId: string;
  taskQueue: string;
  typedSearchAttributes?: SearchAttributePair[];
  staticSummary: string;
  workflowTaskTimeout: string;
}

/**
 * How long a workflow task may run before the server hands it to another worker. A task in flight on a
 * worker that was killed waits this long (the SDK's default is 10 s); a reconcile loop's tasks take
 * milliseconds (pure decisions, the workflow code bundled at build time). Runs that continue-as-new keep it.
 */
const WORKFLOW_TASK_TIMEOUT = '4 seconds';

/**
 * The start options of a subject's workflow, used by every start (watch triggers, `steward start`, the
 * demo): its ID and task queue from the scope, search attributes that make it findable in the Temporal
 * Web UI (kind; namespace and name; network where known; cluster when named) and a one-line summary.
 * On a Temporal server of your own, register the attributes first
 * (`temporal operator search-attribute create --name StewardKind --type Keyword`, ...) or set
 * STEWARD_SEARCH_ATTRIBUTES=false.
 */
export function startOptions(subject: WorkflowSubject, scope: StewardScope): WorkflowStartOptions {
  const network = subject.network ? networkSlug(subject.network) : undefined;
  const where = subject.kind === 'validator-set' ? network : `${subject.namespace}/${subject.name}`;
  const base = {
    workflowId: subjectWorkflowId(subject, scope.cluster),
    taskQueue: scope.taskQueue,
    staticSummary: `${scope.cluster ? `${scope.cluster}: ` : ''}${subject.kind} ${where ?? ''}`.trim(),
    workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
  };
  if (!searchAttributesEnabled()) return base;
  const pairs: SearchAttributePair[] = [{ key: STEWARD_KIND, value: subject.kind }];
  if (subject.kind !== 'validator-set') {
    pairs.push({ key: STEWARD_NAMESPACE, value: subject.namespace }, { key: STEWARD_NAME, value: subject.name });
  }
  if (network) pairs.push({ key: STEWARD_NETWORK, value: network });
  if (scope.cluster) pairs.push({ key: STEWARD_CLUSTER, value: scope.cluster });
  return { ...base, typedSearchAttributes: pairs };
}
