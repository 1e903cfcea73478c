import type { QueryDefinition, SignalDefinition } from '@temporalio/common';
import { parseResourceRef, subjectWorkflowId, type ManagedKind, type WorkflowSubject } from '../domain/names.js';
import {
  checkNowSignal, confirmRemoveSignal, pauseSignal, peersQuery, rebalanceSignal, replicaSetStatusQuery, resourceChangedSignal,
  resumeSignal, resyncSignal, statusQuery, tenantStatusQuery, type ResourceChanges,
} from '../workflows/contract.js';
import { UsageError } from './output.js';

/** The kinds a person names on the command line. */
export type TargetKind = 'pool' | 'validators' | 'tenant' | 'replicas';

/** A signal a kind's workflow handles; `argument` names its one argument, if it takes one. */
export interface SignalSpec {
  definition: SignalDefinition<[]> | SignalDefinition<[string]> | SignalDefinition<[ResourceChanges?]>;
  argument?: string;
  help: string;
}

/** What the CLI knows of one kind: its workflow, signals, query and custom resource. */
export interface KindSpec {
  kind: TargetKind;
  managed: ManagedKind;
  workflowType: 'readOnlyPoolWorkflow' | 'validatorSetWorkflow' | 'tenantWorkflow' | 'postgresReplicasWorkflow';
  signals: Record<string, SignalSpec>;
  query: QueryDefinition<unknown>;
  /** The custom resource: API group/version, plural and kind. */
  resource: { apiVersion: string; plural: string; kind: string };
}

const RESOURCE_CHANGED: SignalSpec = { definition: resourceChangedSignal, help: 're-read the resource now' };

/** Every kind, by the word typed on the command line. */
export const KINDS: Record<TargetKind, KindSpec> = {
  pool: {
    kind: 'pool', managed: 'readonlypool', workflowType: 'readOnlyPoolWorkflow', query: statusQuery as QueryDefinition<unknown>,
    resource: { apiVersion: 'stellar.org/v1alpha1', plural: 'readonlypools', kind: 'ReadOnlyPool' },
    signals: {
      rebalance: { definition: rebalanceSignal, help: 'reassign shards now, even with autoRebalance: false' },
      pause: { definition: pauseSignal, help: 'stop applying changes (observing goes on)' },
      resume: { definition: resumeSignal, help: 'apply changes again' },
      'resource-changed': RESOURCE_CHANGED,
    },
  },
  validators: {
    kind: 'validators', managed: 'validator-set', workflowType: 'validatorSetWorkflow', query: peersQuery as QueryDefinition<unknown>,
    resource: { apiVersion: 'stellar.org/v1alpha1', plural: 'stellarnodes', kind: 'StellarNode' },
    signals: { resync: { definition: resyncSignal, help: 're-read validators and push pending peers now' }, 'resource-changed': RESOURCE_CHANGED },
  },
  tenant: {
    kind: 'tenant', managed: 'tenant', workflowType: 'tenantWorkflow', query: tenantStatusQuery as QueryDefinition<unknown>,
    resource: { apiVersion: 'rustfs.com/v1alpha1', plural: 'tenants', kind: 'Tenant' },
    signals: {
      'confirm-remove': { definition: confirmRemoveSignal, argument: 'pool', help: 'delete a pool removed from the spec (its data goes with it)' },
      'resource-changed': RESOURCE_CHANGED,
    },
  },
  replicas: {
    kind: 'replicas', managed: 'postgres-replicas', workflowType: 'postgresReplicasWorkflow', query: replicaSetStatusQuery as QueryDefinition<unknown>,
    resource: { apiVersion: 'stellar.org/v1alpha1', plural: 'postgresreplicasets', kind: 'PostgresReplicaSet' },
    signals: { 'check-now': { definition: checkNowSignal, help: 'health-check every replica now' }, 'resource-changed': RESOURCE_CHANGED },
  },
};

/** A workflow named on the command line. */
export interface Target {
  spec: KindSpec;
  /** What the workflow looks after. */
  subject: WorkflowSubject;
  /** Workflow ID (with the cluster prefix when STEWARD_CLUSTER names one). */
  id: string;
  /** `<namespace>/<name>`, or the network of a validator set. */
  ref: string;
  namespace?: string;
  name?: string;
  network?: string;
  /** The workflow input for start. */
  input: Record<string, string>;
}

export const TARGET_HELP = "'pool|tenant|replicas <namespace>/<name>' or 'validators <Mainnet|Testnet|Futurenet|passphrase>'";

/** Parses `<kind> <ref>`; throws a UsageError that says the expected form. `cluster` prefixes the workflow ID. */
export function parseTarget(args: string[], command: string, cluster?: string): Target {
  const [word, ref] = args;
  const spec = KINDS[word as TargetKind] as KindSpec | undefined;
  if (!spec || !ref) throw new UsageError(`${command} needs ${TARGET_HELP}`);
  return targetOf(spec, ref, cluster);
}

/**
 * The target of a kind and a reference (`<namespace>/<name>`, or a network for validators); `cluster`
 * prefixes the workflow ID. Throws a UsageError when the reference is malformed.
 */
export function targetOf(spec: KindSpec, ref: string, cluster?: string): Target {
  if (spec.managed === 'validator-set') {
    const subject: WorkflowSubject = { kind: 'validator-set', network: ref };
    return { spec, subject, ref, network: ref, id: subjectWorkflowId(subject, cluster), input: { network: ref } };
  }
  let parsed;
  try {
    parsed = parseResourceRef(ref);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const subject: WorkflowSubject = { kind: spec.managed, ...parsed };
  return { spec, subject, ref, ...parsed, id: subjectWorkflowId(subject, cluster), input: { namespace: parsed.namespace, name: parsed.name } };
}

/** The command that starts a target's workflow. */
export function startHint(target: Target): string {
  return `steward start ${target.spec.kind} ${target.ref}`;
}

/** The REST path of a target's custom resource (validators: the cluster-wide StellarNode list). */
export function resourcePath(target: Target): string {
  const { apiVersion, plural } = target.spec.resource;
  if (!target.namespace || !target.name) return `/apis/${apiVersion}/${plural}`;
  return `/apis/${apiVersion}/namespaces/${target.namespace}/${plural}/${target.name}`;
}

/** The kind whose workflow type this is, if it is a Steward workflow. */
export function kindOfWorkflowType(type: string): KindSpec | undefined {
  return Object.values(KINDS).find((spec) => spec.workflowType === type);
}
