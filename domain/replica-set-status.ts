// The PostgresReplicaSet's conditions, what stalls it (refusals as data, with messages that say what to
// do), and when its status is worth a write. Pure.
import type { ConditionInput } from './conditions.js';
import { sameJson } from './pool-status.js';
import type { CheckRefusalReason } from './replica-health.js';
import type { ReplicaSetStatus, ReplicaStatus } from './replica-set-spec.js';

/** Why a PostgresReplicaSet cannot converge on its own: the `Stalled` condition's reason. */
export type StallReason = CheckRefusalReason | 'InvalidSpec' | 'Refused' | 'PodNotSelected' | 'NotOwned';

/** Something the worker was refused, or cannot do without a person: data, not an exception. */
export interface Refusal {
  reason: StallReason;
  /** The object concerned, as `Kind namespace/name`. */
  object: string;
  /** The API's or the check's own words; untrusted, so shortened and cleaned before use. */
  detail?: string;
}

/** How often readings alone (times, response times, lag figures) justify a status write: 5 minutes. */
export const DEFAULT_STATUS_REFRESH_MS = 300_000;

const DETAIL_MAX = 200;

/** Untrusted text made safe for a condition: control characters removed, whitespace folded, shortened. */
export function cleanDetail(text: string, max = DETAIL_MAX): string {
  const printable = Array.from(text, (c) => (isControl(c.charCodeAt(0)) ? ' ' : c)).join('');
  const cleaned = printable.replace(/\s+/g, ' ').trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** What happened to whom, and what to do about it. */
export function refusalMessage(refusal: Refusal): string {
  const detail = refusal.detail === undefined ? '' : ` (${cleanDetail(refusal.detail)})`;
  switch (refusal.reason) {
    case 'SecretMissing':
      return `${refusal.object} does not exist: create it with keys username and password ` +
        '(spec.credentialsSecretRef); replicas are not checked until then';
    case 'SecretInvalid':
      return `${refusal.object} has no 'username' key: give it keys username and password; ` +
        'replicas are not checked until then';
    case 'SecretNotOptedIn':
      return `${refusal.object} does not opt in to this PostgresReplicaSet${detail}: the worker reads only Secrets ` +
        'that name the set, and sends no credentials until then; replicas are not checked';
    case 'PodNotSelected':
      return `${refusal.object} does not match this PostgresReplicaSet's pod selector${detail}: label the pod or fix ` +
        'spec.podSelector; it gets no route label until then';
    case 'NotOwned':
      return `${refusal.object} exists and is not owned by this PostgresReplicaSet: delete or rename it; the set's ` +
        'health is not published there until then';
    case 'Forbidden':
      return `the worker may not access ${refusal.object}${detail}: grant it to the stellar-steward ` +
        'ServiceAccount (deploy/clusterrole.yaml)';
    case 'Refused':
      return `the API server refused the write of ${refusal.object}${detail}: fix that object or the spec`;
    case 'InvalidSpec':
      return `${refusal.object} has an invalid spec${detail}: fix the spec`;
  }
}

/** The numbers the conditions are decided from. */
export interface ConditionFacts {
  generation: number;
  replicas: readonly ReplicaStatus[];
  refusals: readonly Refusal[];
}

/**
 * `Ready`, `Degraded` and `Stalled`. Stalled=True (reason: the first refusal's) makes Ready=False with the
 * same reason; otherwise Ready says whether any replica is healthy (reads go to the primary if none is).
 */
export function replicaSetConditions(facts: ConditionFacts): ConditionInput[] {
  const { generation, replicas, refusals } = facts;
  const healthy = replicas.filter((r) => r.healthy).length;
  const unhealthy = replicas.filter((r) => !r.healthy);
  const first = refusals[0];
  const stalledMessage = refusals.map(refusalMessage).join('; ');
  const ready: ConditionInput = first
    ? { type: 'Ready', status: 'False', reason: first.reason, message: `stalled: ${stalledMessage}`, observedGeneration: generation }
    : healthy > 0
      ? { type: 'Ready', status: 'True', reason: 'HealthyReplicas', message: `${healthy} of ${replicas.length} replicas healthy`, observedGeneration: generation }
      : { type: 'Ready', status: 'False', reason: 'NoHealthyReplica', message: 'no replica is healthy: reads are routed to the primary', observedGeneration: generation };
  const degraded: ConditionInput = unhealthy.length > 0
    ? { type: 'Degraded', status: 'True', reason: 'UnhealthyReplicas', message: unhealthy.map((r) => `${r.host}:${r.port} ${r.reason}`).join('; '), observedGeneration: generation }
    : { type: 'Degraded', status: 'False', reason: 'AllHealthy', message: 'every replica is healthy', observedGeneration: generation };
  const stalled: ConditionInput = first
    ? { type: 'Stalled', status: 'True', reason: first.reason, message: stalledMessage, observedGeneration: generation }
    : { type: 'Stalled', status: 'False', reason: 'Converging', message: 'every replica is checked and every write accepted', observedGeneration: generation };
  return [ready, degraded, stalled];
}

/**
 * The status without its readings: per replica only address, verdict and streaming; conditions without
 * transition times. Replica messages and failure counts quote readings (bytes behind, the n-th failure)
 * and are left out too: the verdict (`healthy`, `reason`) carries what changed.
 */
export function materialStatus(status: ReplicaSetStatus): unknown {
  return {
    observedGeneration: status.observedGeneration,
    replicaCount: status.replicaCount,
    healthyReplicas: status.healthyReplicas,
    routingTo: status.routingTo,
    replicas: status.replicas.map((r) => ({ host: r.host, port: r.port, healthy: r.healthy, reason: r.reason, streaming: r.streaming })),
    conditions: status.conditions.map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message, observedGeneration: c.observedGeneration })),
  };
}

/** When the status was last written, as the last write shows it: its newest `lastHealthCheck`. */
export function lastWrittenAt(status: ReplicaSetStatus | undefined): number | undefined {
  const times = (status?.replicas ?? []).flatMap((r) => (r.lastHealthCheck ? [Date.parse(r.lastHealthCheck)] : []));
  const valid = times.filter((t) => Number.isFinite(t));
  return valid.length > 0 ? Math.max(...valid) : undefined;
}

/** The inputs of `statusWriteDue`. */
export interface StatusWriteFacts {
  previous: ReplicaSetStatus | undefined;
  next: ReplicaSetStatus;
  /** Epoch ms of the last write, if known. */
  lastWriteAt: number | undefined;
  now: number;
  refreshMs: number;
}

/**
 * A status is written when there is none, when it changed materially (see `materialStatus`), or when
 * only readings changed and the last write is at least `refreshMs` old. Never when it equals the current.
 */
export function statusWriteDue(facts: StatusWriteFacts): boolean {
  const { previous, next } = facts;
  if (!previous) return true;
  if (!sameJson(materialStatus(previous), materialStatus(next))) return true;
  const refreshDue = facts.lastWriteAt === undefined || facts.now - facts.lastWriteAt >= facts.refreshMs;
  return refreshDue && !sameJson(previous, next);
}
