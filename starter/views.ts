// Tables of the workflows' query results, as `steward status` prints them.
import type { ReadOnlyPoolView, ReplicaSetView, TenantView, ValidatorSetView } from '../workflows/contract.js';
import type { TargetKind } from './targets.js';

/** Lays out rows under a header, each column as wide as its widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join('').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const text = (value: unknown): string => (value === undefined || value === null ? '-' : String(value));

/** A pool: counts, then per replica its freshness, weight, ledger, lag, serving flag and shards. */
export function poolTable(view: ReadOnlyPoolView): string {
  const state = view.deleted ? 'deleted' : view.paused ? 'paused' : view.invalid?.length ? `invalid: ${view.invalid.join('; ')}` : 'reconciling';
  const head = `pool ${view.namespace}/${view.name} (${state}): ${text(view.replicas)} replicas, ${view.fresh} fresh, ${view.lagging} lagging, ` +
    `tip ${text(view.networkTip)}, average lag ${text(view.averageLag)}`;
  const rows = view.replicaViews.map((r) => [r.replica, r.fresh ? 'yes' : 'no', String(r.weight), text(r.ledger), text(r.lag), r.serving ? 'yes' : 'no', r.shards.join(',') || '-', r.reason]);
  return `${head}\n${table(['REPLICA', 'FRESH', 'WEIGHT', 'LEDGER', 'LAG', 'SERVING', 'SHARDS', 'REASON'], rows)}`;
}

/** A validator set: its peers and the pushes still pending to each. */
export function validatorTable(view: ValidatorSetView): string {
  const rows = view.peers.map((peer) => [peer, String((view.told[peer] ?? []).length), String((view.pending[peer] ?? []).length)]);
  return `validator set ${view.network}: ${view.peers.length} peers\n${table(['VALIDATOR', 'PEERS TOLD', 'PENDING'], rows)}`;
}

/** A tenant: its state, then each pool's rollout state and counters. */
export function tenantTable(view: TenantView): string {
  const status = view.status;
  const head = `tenant ${view.namespace}/${view.name}: ${status?.currentState ?? 'not observed yet'}, ${text(status?.availableReplicas)} available` +
    (view.removalPending.length ? `, removal pending: ${view.removalPending.join(', ')} (steward signal confirm-remove tenant ${view.namespace}/${view.name} <pool>)` : '');
  const rows = (status?.pools ?? []).map((p) => [p.name, p.state, `${p.readyReplicas}/${p.replicas}`, String(p.updatedReplicas), p.message]);
  return `${head}\n${table(['POOL', 'STATE', 'READY', 'UPDATED', 'MESSAGE'], rows)}`;
}

/** A PostgreSQL replica set: each replica's health, lag and failures, and where reads are routed. */
export function replicaSetTable(view: ReplicaSetView): string {
  const healthy = view.replicas.filter((r) => r.healthy).length;
  const head = `replica set ${view.namespace}/${view.name}: ${healthy}/${view.replicas.length} healthy, routing to ${view.routingTo.join(', ') || 'nothing'}`;
  const rows = view.replicas.map((r) => [`${r.host}:${r.port}`, r.healthy ? 'yes' : 'no', text(r.lagBytes), text(r.lagSeconds), String(r.failureCount), r.reason, r.message]);
  return `${head}\n${table(['REPLICA', 'HEALTHY', 'LAG BYTES', 'LAG S', 'FAILURES', 'REASON', 'MESSAGE'], rows)}`;
}

/** The table of a view, by the kind of workflow that answered it. */
export function renderView(kind: TargetKind, view: unknown): string {
  switch (kind) {
    case 'pool':
      return poolTable(view as ReadOnlyPoolView);
    case 'validators':
      return validatorTable(view as ValidatorSetView);
    case 'tenant':
      return tenantTable(view as TenantView);
    case 'replicas':
      return replicaSetTable(view as ReplicaSetView);
  }
}

/** One line of a view, for the all-workflows overview. */
export function summaryLine(kind: TargetKind, view: unknown): string {
  switch (kind) {
    case 'pool': {
      const v = view as ReadOnlyPoolView;
      return `${v.replicas ?? '?'} replicas, ${v.fresh} fresh, ${v.lagging} lagging, average lag ${text(v.averageLag)}${v.paused ? ', paused' : ''}`;
    }
    case 'validators': {
      const v = view as ValidatorSetView;
      const pending = Object.values(v.pending).reduce((sum, list) => sum + list.length, 0);
      return `${v.peers.length} peers, ${pending} pushes pending`;
    }
    case 'tenant': {
      const v = view as TenantView;
      return `${v.status?.currentState ?? 'not observed yet'}; ${(v.status?.pools ?? []).map((p) => `${p.name} ${p.state}`).join(', ')}`;
    }
    case 'replicas': {
      const v = view as ReplicaSetView;
      return `${v.replicas.filter((r) => r.healthy).length}/${v.replicas.length} healthy, routing to ${v.routingTo.length}`;
    }
  }
}
