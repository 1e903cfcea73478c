import type { ClaimTemplate } from './claim-templates.js';
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
