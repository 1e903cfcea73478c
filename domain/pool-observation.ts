import type { ClaimTemplate } from './claim-templates.js';
import { digestOf } from './digest.js';
import type { ReplicaProbe } from './core-info.js';
import type { TipSource } from './freshness.js';
import type { PoolSpecInput } from './pool-spec.js';
import type { PoolStatus } from './pool-status.js';

/** A pod of the pool as observed. */
export interface ObservedPod {
  name: string;
  ready: boolean;
  ip?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Everything one reconcile iteration needs, read in one observe activity. */
export interface PoolObservation {
  pool: {
    namespace: string;
    name: string;
    uid: string;
    generation: number;
    spec: PoolSpecInput;
    status?: PoolStatus;
  };
  /** Per-replica Services (GatewayAPI mode) the pool controls now, by name. */
  replicaServices?: string[];
  /** True when the pool's HTTPRoute exists (it is deleted once the pool leaves GatewayAPI mode). */
  httpRoute?: boolean;
  /** The StatefulSet's spec.replicas, when it exists. */
  statefulSetReplicas?: number;
  /**
   * The StatefulSet's `spec.volumeClaimTemplates` (name, labels, annotations, spec), when it exists:
   * Kubernetes does not let them change, so the desired StatefulSet keeps them.
   */
  statefulSetClaimTemplates?: ClaimTemplate[];
  /** The config the pool's ConfigMap holds now (`stellar-core.cfg`), when the ConfigMap exists. */
  liveConfig?: string;
  pods: ObservedPod[];
  /** One probe per pod, same order as `pods`. */
  probes: ReplicaProbe[];
  /** History archive roots (`currentLedger`) and the optional Horizon root. */
  tipSources: TipSource[];
  /** Archive fetch failures, reported in status. */
  sourceErrors: string[];
}

/** What changes every pass: the replicas' `/info` answers and the sources' tips. */
export type PoolReadings = Pick<PoolObservation, 'probes' | 'tipSources' | 'sourceErrors'>;

/** What changes only when the cluster does: the pool, its objects and pods. */
export type PoolObjects = Omit<PoolObservation, 'probes' | 'tipSources' | 'sourceErrors'>;

/**
 * The observation a lean pass records in its history: the readings always, the objects only when their
 * digest differs from the one the workflow already holds (a steady pool's objects do not change, so a
 * steady pass records a few hundred bytes), and the fingerprint of the owned objects the last apply left.
 */
export interface LeanPoolObservation {
  /** Shape version of this record. */
  v: 1;
  /** Digest of `objects` (present or not). */
  objectsDigest: string;
  /** Omitted when `objectsDigest` is the digest the workflow said it holds. */
  objects?: PoolObjects;
  readings: PoolReadings;
  /** Digest of the fingerprints of the owned objects the workflow named; undefined when it named none. */
  ownedDigest?: string;
}

/** The whole observation from a lean one and the objects the workflow holds (undefined when it must ask again). */
export function fullObservation(lean: LeanPoolObservation, held: { digest: string; objects: PoolObjects } | undefined): PoolObservation | undefined {
  const objects = lean.objects ?? (held?.digest === lean.objectsDigest ? held.objects : undefined);
  return objects && { ...objects, ...lean.readings };
}

/** The objects a workflow holds, by the digest the observation computes of them. */
export interface HeldObjects {
  digest: string;
  objects: PoolObjects;
}

/**
 * The held objects once the pool's status was written as `status`: what the next observation reads when
 * the write holds, so it need not send the objects back (a ledger refresh changes the status alone). When
 * the cluster shows something else, the digests differ and the observation sends the objects it read.
 */
export function withWrittenStatus(held: HeldObjects, status: PoolStatus): HeldObjects {
  const objects = { ...held.objects, pool: { ...held.objects.pool, status } };
  return { objects, digest: digestOf(objects) };
}
