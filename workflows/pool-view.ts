import type { PoolDecision } from '../domain/pool-decision.js';
import type { ReadOnlyPoolView } from './contract.js';

/** The `status` query's view after a pass: the decision's replicas, tip, and each replica's lag and weight. */
export function updatePoolView(view: ReadOnlyPoolView, decision: PoolDecision, generation: number, paused: boolean): void {
  view.generation = generation;
  view.paused = paused;
  view.invalid = decision.invalid;
  view.replicas = decision.memory.replicas;
  view.networkTip = decision.status.networkLatestLedger;
  view.fresh = decision.status.freshReplicas;
  view.lagging = decision.status.laggingReplicas;
  view.averageLag = decision.status.averageLag;
  view.replicaViews = decision.assessments.map((a) => ({
    replica: a.replica,
    fresh: a.fresh,
    weight: a.weight,
    ledger: a.ledger,
    lag: a.lag,
    reason: a.reason,
    serving: decision.serving.includes(a.replica),
    shards: decision.status.shardAssignments.filter((s) => s.replicaName === a.replica).map((s) => s.shardId),
  }));
}
