import type { ReplicaProbe } from './core-info.js';
import type { PoolSpec } from './pool-spec.js';

/** One source of the network's newest ledger: a history archive root, Horizon, or a replica. */
export interface TipSource {
  source: string;
  ledger: number;
  network: string;
}

/** The network tip and the sources that were ignored because they serve another network. */
export interface NetworkTip {
  ledger?: number;
  ignored: { source: string; network: string }[];
}

/** The highest ledger among sources on `passphrase`; sources on other networks are ignored and listed. */
export function networkTip(passphrase: string, sources: readonly TipSource[]): NetworkTip {
  let ledger: number | undefined;
  const ignored: NetworkTip['ignored'] = [];
  for (const source of sources) {
    if (source.network !== passphrase) ignored.push({ source: source.source, network: source.network });
    else if (ledger === undefined || source.ledger > ledger) ledger = source.ledger;
  }
  return { ledger, ignored };
}

/** The tip sources a pool's replicas provide: every probed replica with a ledger. */
export function replicaTipSources(probes: readonly ReplicaProbe[]): TipSource[] {
  return probes.flatMap((probe) => (probe.info ? [{ source: `replica ${probe.replica}`, ledger: probe.info.ledger, network: probe.info.network }] : []));
}

/** Why a replica is or is not fresh. */
export type FreshnessReason = 'Fresh' | 'Lagging' | 'NotSynced' | 'WrongNetwork' | 'Unreachable' | 'Booting' | 'BadResponse' | 'UnknownTip';

/** A replica's freshness and weight. */
export interface ReplicaAssessment {
  replica: string;
  ready: boolean;
  fresh: boolean;
  /** Whether its traffic weight may be above zero at all (reachable, on the right network). */
  servable: boolean;
  weight: number;
  ledger?: number;
  lag?: number;
  reason: FreshnessReason;
  message: string;
}

/**
 * Fresh means `Synced!`, on the pool's network, and within `lagThreshold` ledgers of the tip; anything
 * unknown is lagging. Fresh replicas weigh `freshNodeWeight`; reachable lagging ones on the right network
 * weigh `laggingNodeWeight`; unreachable, booting, garbled or wrong-network ones weigh 0.
 */
export function assessReplica(probe: ReplicaProbe, tip: number | undefined, spec: PoolSpec, passphrase: string): ReplicaAssessment {
  const { freshNodeWeight, laggingNodeWeight, lagThreshold } = spec.loadBalancing;
  const base = { replica: probe.replica, ready: probe.ready };
  if (!probe.info) {
    const type = probe.error?.type;
    const reason: FreshnessReason = type === 'Booting' ? 'Booting' : type === 'BadResponse' || type === 'TooLarge' ? 'BadResponse' : 'Unreachable';
    return { ...base, fresh: false, servable: false, weight: 0, reason, message: probe.error?.message ?? 'not probed' };
  }
  const { ledger, state, network } = probe.info;
  if (network !== passphrase) {
    return { ...base, fresh: false, servable: false, weight: 0, ledger, reason: 'WrongNetwork', message: `reports network '${network}', expected '${passphrase}'` };
  }
  const lag = tip === undefined ? undefined : Math.max(0, tip - ledger);
  const lagging = { ...base, fresh: false, servable: true, weight: laggingNodeWeight, ledger, lag };
  if (state !== 'Synced!') return { ...lagging, reason: 'NotSynced', message: `state is '${state}'` };
  if (lag === undefined) return { ...lagging, reason: 'UnknownTip', message: 'network tip unknown' };
  if (lag > lagThreshold) return { ...lagging, reason: 'Lagging', message: `${lag} ledgers behind the tip (threshold ${lagThreshold})` };
  return { ...base, fresh: true, servable: true, weight: freshNodeWeight, ledger, lag, reason: 'Fresh', message: `${lag} ledgers behind the tip` };
}

/**
 * The replicas the read Service routes to: the fresh ones that are Ready; when none is, every Ready
 * replica that is servable, and failing that every Ready replica, so that a pool with a Ready replica
 * never serves nothing. A replica on another network is never served: its data is not this pool's.
 */
export function servingReplicas(assessments: readonly ReplicaAssessment[]): string[] {
  const ready = assessments.filter((a) => a.ready && a.reason !== 'WrongNetwork');
  const fresh = ready.filter((a) => a.fresh);
  if (fresh.length > 0) return fresh.map((a) => a.replica).sort();
  const servable = ready.filter((a) => a.servable);
  return (servable.length > 0 ? servable : ready).map((a) => a.replica).sort();
}
