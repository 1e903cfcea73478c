// One-line summaries of activities, shown in the Temporal Web UI's history ("apply StatefulSet
// mainnet-pool (3 replicas) ...") instead of bare function names. Pure: built from decisions.
import type { KubeObject } from './pool-objects.js';
import type { PoolDecision } from './pool-decision.js';
import type { ReplicaSetDecision } from './replica-set.js';
import type { TenantDecision } from './tenant-decision.js';
import type { ValidatorDecision } from './validator-decision.js';

/** "StatefulSet a, 2 Services, ConfigMap c": kinds in order of first appearance, counted when several. */
export function describeObjects(objects: readonly KubeObject[]): string {
  const byKind = new Map<string, string[]>();
  for (const object of objects) byKind.set(object.kind, [...(byKind.get(object.kind) ?? []), object.metadata.name]);
  return [...byKind.entries()].map(([kind, names]) => (names.length === 1 ? `${kind} ${names[0] ?? ''}` : `${names.length} ${kind}s`)).join(', ') || 'nothing';
}

/** The pool's apply: its objects, then the pods labelled, fresh and lagging. */
export function poolApplySummary(decision: PoolDecision): string {
  const statefulSet = decision.objects.find((o) => o.kind === 'StatefulSet');
  const replicas = decision.memory.replicas;
  const objects = describeObjects(decision.objects).replace(`StatefulSet ${statefulSet?.metadata.name ?? ''}`, `StatefulSet ${statefulSet?.metadata.name ?? ''} (${replicas ?? '?'} replicas)`);
  const lagging = decision.assessments.length - decision.status.freshReplicas;
  const deletes = decision.obsoleteServices.length ? `; delete Service ${decision.obsoleteServices.join(', ')}` : '';
  return `apply ${objects}${deletes}; label ${decision.podPatches.length} pods: ${decision.status.freshReplicas} fresh, ${lagging} lagging`;
}

/** The pool's status write. */
export function poolStatusSummary(decision: PoolDecision): string {
  const s = decision.status;
  return `status: ${decision.memory.replicas ?? '?'} replicas, ${s.freshReplicas} fresh, ${s.laggingReplicas} lagging, tip ${s.networkLatestLedger ?? '?'}`;
}

/** The tenant's apply, with each pool's state. */
export function tenantApplySummary(decision: TenantDecision): string {
  return `apply ${describeObjects(decision.objects)}; ${decision.status.pools.map((p) => `${p.name} ${p.state}`).join(', ') || 'no pool'}`;
}

/** The tenant's status write. */
export function tenantStatusSummary(decision: TenantDecision): string {
  return `status: ${decision.status.currentState}, ${decision.status.availableReplicas} available; ${decision.status.pools.map((p) => `${p.name} ${p.state}`).join(', ')}`;
}

/** The /connect pushes of a validator set. */
export function pushSummary(decision: ValidatorDecision): string {
  const validators = new Set(decision.pushes.map((p) => p.validator));
  const peers = new Set(decision.pushes.map((p) => p.peer));
  return `push ${peers.size} new peers to ${validators.size} healthy validators (${decision.pushes.length} /connect calls)`;
}

/** The /connect calls of a validator set, each verified in the validator's /peers. */
export function connectSummary(decision: ValidatorDecision): string {
  const { connects } = decision.connections;
  const validators = new Set(connects.map((p) => p.validator));
  return `connect ${connects.length} missing peer links on ${validators.size} healthy validators (/connect, verified in /peers)`;
}

/** The validators' objects. */
export function validatorApplySummary(decision: ValidatorDecision): string {
  return `apply ${describeObjects(decision.objects)} of ${decision.statuses.length} validators`;
}

/** The health checks' outcome as routed, with the route label changes of the pass. */
export function routingSummary(decision: ReplicaSetDecision): string {
  const healthy = decision.status.replicas.filter((r) => r.healthy).length;
  const add = decision.podRoutes.filter((r) => r.routed).map((r) => r.pod);
  const remove = decision.podRoutes.filter((r) => !r.routed).map((r) => r.pod);
  const changes = [add.length > 0 ? `label ${add.join(', ')}` : '', remove.length > 0 ? `unlabel ${remove.join(', ')}` : ''].filter(Boolean);
  return `route reads to ${decision.routedPods.length} pods: ${healthy} of ${decision.status.replicas.length} replicas healthy` +
    (changes.length > 0 ? `; ${changes.join('; ')}` : '; no label change');
}

/** The report of a pass that failed for good. */
export function stallSummary(message: string): string {
  return `report stalled: ${message}`;
}
