/** Why a replica is (or is not) in the healthy set. */
export type ReplicaHealthReason =
  | 'Unchecked'
  | 'Healthy'
  | 'Unreachable'
  | 'NotInRecovery'
  | 'NotStreaming'
  | 'LagBytes'
  | 'LagSeconds';

/** The result of one health check of a replica that answered (connected and ran its queries). */
export interface ReplicaCheckSuccess {
  ok: true;
  /** When the check finished, in epoch milliseconds (passed in: this module reads no clock). */
  at: number;
  responseTimeMs: number;
  /** `pg_is_in_recovery()`: false means the server was promoted or is not a replica. */
  inRecovery: boolean;
  /** `pg_stat_wal_receiver.status = 'streaming'`. */
  streaming: boolean;
  /** Primary's current LSN minus the replica's replay LSN; undefined when the primary could not be read. */
  lagBytes?: number;
  /** Seconds behind the primary (see `lagSecondsOf`); undefined when unknown. */
  lagSeconds?: number;
}

/**
 * Why a check failed. `Unreachable`: the replica did not answer (no connection, timeout, error): counts
 * toward `failureThreshold`. The others are refusals: the check could not run for a reason that lies with
 * the resource, not the replica (the credentials Secret is missing, lacks keys or does not opt in to the
 * set, or reading it is forbidden). A refusal leaves the replica's health as it was and stalls the resource instead.
 */
export type CheckErrorReason = 'Unreachable' | CheckRefusalReason;

/** The reasons of a check that did not run at all (see `CheckErrorReason`). */
export type CheckRefusalReason = 'SecretMissing' | 'SecretInvalid' | 'SecretNotOptedIn' | 'Forbidden';

/** The result of one failed health check. */
export interface ReplicaCheckFailure {
  ok: false;
  at: number;
  /** What failed, naming the object involved; never a credential. */
  error: string;
  /** Absent in results recorded before reasons existed: read as `Unreachable`. */
  reason?: CheckErrorReason;
  responseTimeMs?: number;
}

/** One health check's result. */
export type ReplicaCheckResult = ReplicaCheckSuccess | ReplicaCheckFailure;

/** The health of one replica, as the state machine keeps it. */
export interface ReplicaHealth {
  healthy: boolean;
  reason: ReplicaHealthReason;
  /** A human-readable explanation of `reason`. */
  message: string;
  /** Consecutive failed checks (0 after any check that answered). */
  failureCount: number;
  /** When the last check finished (epoch ms), or undefined before the first. */
  lastHealthCheck?: number;
  responseTimeMs?: number;
  lagBytes?: number;
  lagSeconds?: number;
  streaming?: boolean;
  /** The error of the last failed check, kept until a check answers. */
  lastError?: string;
}

/** Thresholds of the state machine. */
export interface ReplicaHealthOptions {
  /** Consecutive failed checks that make a replica unhealthy. Default 3; values below 1 count as 1. */
  failureThreshold?: number;
  /** Lag in bytes above which a replica is unhealthy. Default: no bound. */
  maxLagBytes?: number;
  /** Lag in seconds above which a replica is unhealthy. Default: no bound. */
  maxLagSeconds?: number;
}

/** The default `failureThreshold`. */
export const DEFAULT_FAILURE_THRESHOLD = 3;

/**
 * The state of a replica that has not been checked yet. By default it is optimistically healthy (reads
 * that fail on it are retried on the primary); pass `healthy = false` to keep it out until a good check.
 */
export function initialReplicaHealth(healthy = true): ReplicaHealth {
  return { healthy, reason: 'Unchecked', message: 'not checked yet', failureCount: 0 };
}

/**
 * The replica's health after one more check. A failed check increments `failureCount`; the replica turns
 * unhealthy (`Unreachable`) once it reaches `failureThreshold`, and otherwise keeps its previous verdict.
 * A check that answers resets `failureCount` and decides alone: unhealthy when not in recovery, when its
 * WAL receiver is not streaming, or when a set lag bound is exceeded (unknown lag does not exceed a
 * bound); healthy otherwise, so one good check readmits a replica. A refused check (see `CheckErrorReason`)
 * did not reach the replica and changes nothing. Pure and deterministic.
 */
export function nextReplicaHealth(state: ReplicaHealth, check: ReplicaCheckResult, options: ReplicaHealthOptions = {}): ReplicaHealth {
  if (isRefusal(check)) return state;
  if (!check.ok) return afterFailure(state, check, options);
  const measured = {
    failureCount: 0,
    lastHealthCheck: check.at,
    responseTimeMs: check.responseTimeMs,
    lagBytes: check.lagBytes,
    lagSeconds: check.lagSeconds,
    streaming: check.streaming,
  };
  const verdict = judgeAnsweredCheck(check, options);
  return { ...measured, ...verdict };
}

/** True for a check that could not run for a reason of the resource's (Secret missing, forbidden...). */
export function isRefusal(check: ReplicaCheckResult): check is ReplicaCheckFailure & { reason: CheckRefusalReason } {
  return !check.ok && check.reason !== undefined && check.reason !== 'Unreachable';
}

function afterFailure(state: ReplicaHealth, check: ReplicaCheckFailure, options: ReplicaHealthOptions): ReplicaHealth {
  const failureCount = state.failureCount + 1;
  const threshold = Math.max(1, options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD);
  const next: ReplicaHealth = {
    ...state,
    failureCount,
    lastHealthCheck: check.at,
    responseTimeMs: check.responseTimeMs,
    lastError: check.error,
  };
  if (failureCount < threshold) return next;
  return { ...next, healthy: false, reason: 'Unreachable', message: `${failureCount} consecutive failed checks: ${check.error}` };
}

type Verdict = Pick<ReplicaHealth, 'healthy' | 'reason' | 'message'>;

function judgeAnsweredCheck(check: ReplicaCheckSuccess, options: ReplicaHealthOptions): Verdict {
  if (!check.inRecovery) return unhealthy('NotInRecovery', 'the server is not in recovery (not a replica)');
  if (!check.streaming) return unhealthy('NotStreaming', 'the WAL receiver is not streaming');
  const { maxLagBytes, maxLagSeconds } = options;
  if (maxLagBytes !== undefined && check.lagBytes !== undefined && check.lagBytes > maxLagBytes) {
    return unhealthy('LagBytes', `${check.lagBytes} bytes behind the primary (bound ${maxLagBytes})`);
  }
  if (maxLagSeconds !== undefined && check.lagSeconds !== undefined && check.lagSeconds > maxLagSeconds) {
    return unhealthy('LagSeconds', `${check.lagSeconds.toFixed(1)} s behind the primary (bound ${maxLagSeconds})`);
  }
  return { healthy: true, reason: 'Healthy', message: 'answering, streaming and within lag bounds' };
}

function unhealthy(reason: ReplicaHealthReason, message: string): Verdict {
  return { healthy: false, reason, message };
}

/** What `lagSecondsOf` needs, as read on the replica (and the byte lag computed against the primary). */
export interface LagTimeInputs {
  /** `pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()`; undefined when either is null. */
  replayedAllReceived?: boolean;
  lagBytes?: number;
  /** `pg_last_xact_replay_timestamp()` in epoch ms; undefined when null (nothing replayed yet). */
  lastReplayAt?: number;
  /** The time of the measurement in epoch ms. */
  now: number;
}

/**
 * Replication lag in seconds: 0 when caught up (everything received is replayed AND nothing is behind the
 * primary in bytes), else `now - pg_last_xact_replay_timestamp()` (never negative), or undefined when
 * there is no replay timestamp. Requiring zero byte lag avoids reporting 0 with the primary unreachable
 * (receive LSN == replay LSN then) and avoids the growing "lag" of an idle primary.
 */
export function lagSecondsOf(inputs: LagTimeInputs): number | undefined {
  if (inputs.replayedAllReceived === true && inputs.lagBytes === 0) return 0;
  if (inputs.lastReplayAt === undefined) return undefined;
  return Math.max(0, (inputs.now - inputs.lastReplayAt) / 1000);
}
