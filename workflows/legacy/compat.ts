// What the decisions looked like to runs started before the shared reconcile loop. Status fields added
// since (autoscaler and shard-plan memory, the Stalled condition, tenant pool memory) did not exist then,
// so a replayed run compares statuses without them and issues the commands it issued when it ran.
import type { PoolEvent, PoolMemory } from '../../domain/pool-decision.js';
import { materialStatus, sameJson, type PoolStatus } from '../../domain/pool-status.js';
import type { TenantStatus } from '../../domain/tenant-decision.js';

function poolV1(status: PoolStatus): PoolStatus {
  const { autoscaler: _a, shardPlan: _s, ...rest } = status;
  return { ...rest, conditions: rest.conditions.filter((c) => c.type !== 'Stalled') };
}

/** The pool's status write as decided before the loop: a material change, or a due ledger refresh. */
export function poolWriteStatusV1(previous: PoolStatus | undefined, status: PoolStatus, memory: PoolMemory, now: number, ledgerRefreshMs = 300_000): boolean {
  if (!previous) return true;
  const refreshDue = now - (memory.lastStatusWriteAt ?? 0) >= ledgerRefreshMs;
  return !sameJson(materialStatus(poolV1(previous)), materialStatus(poolV1(status))) || (refreshDue && !sameJson(poolV1(previous), poolV1(status)));
}

/** The pool's Events as decided before the loop (claim templates were not watched then). */
export function poolEventsV1(events: PoolEvent[]): PoolEvent[] {
  return events.filter((e) => e.reason !== 'NeedsRecreation');
}

function tenantV1(status: TenantStatus | undefined): unknown {
  if (!status) return undefined;
  return {
    ...status,
    pools: status.pools.map(({ everComplete: _e, rollout: _r, pendingState: _p, ...pool }) => pool),
    conditions: status.conditions.map((c) => (c.type === 'Stalled' && c.reason === 'NeedsRecreation' ? { ...c, reason: 'Progressing' } : c)),
  };
}

/** The tenant's status write as decided before the loop: its status changed, memory fields aside. */
export function tenantWriteStatusV1(previous: TenantStatus | undefined, status: TenantStatus): boolean {
  return !sameJson(tenantV1(previous), tenantV1(status));
}
