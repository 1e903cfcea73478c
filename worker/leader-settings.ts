import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { DEFAULT_LEASE_TIMING, leaseTimingProblem, type LeaseTiming } from '../kube/lease-record.js';
import type { LeaseTarget } from '../kube/leader-lease.js';

/** How the workers of one deployment elect the one that runs the watches and triggers. */
export interface LeaderSettings {
  target: LeaseTarget;
  timing: LeaseTiming;
}

/** The namespace of the Lease when STEWARD_LEASE_NAMESPACE is unset: the manifests' namespace. */
export const DEFAULT_LEASE_NAMESPACE = 'stellar-system';

/**
 * The Lease of a deployment: `stellar-steward-triggers`, then `-<cluster>` and `-<watched namespace>` when
 * set, so deployments that watch different things never share a leader.
 */
export function defaultLeaseName(cluster?: string, watchNamespace?: string): string {
  return ['stellar-steward-triggers', cluster, watchNamespace].filter(Boolean).join('-');
}

/**
 * Leader election from the environment, or undefined with STEWARD_LEADER_ELECTION=false (every worker then
 * runs the watches: one replica only). STEWARD_LEASE_NAMESPACE (default stellar-system; the Deployment sets
 * the pod's namespace), STEWARD_LEASE_NAME (default from `defaultLeaseName`), STEWARD_LEASE_IDENTITY (default
 * `<hostname>_<uuid>`), and the timing in seconds: STEWARD_LEASE_DURATION_SECONDS (15, whole seconds),
 * STEWARD_LEASE_RENEW_DEADLINE_SECONDS (10), STEWARD_LEASE_RETRY_PERIOD_SECONDS (2). Throws naming the
 * variable that is malformed, or the rule the timing breaks.
 */
export function leaderSettingsFromEnv(scope: { cluster?: string; watchNamespace?: string }, env: NodeJS.ProcessEnv = process.env): LeaderSettings | undefined {
  const enabled = env.STEWARD_LEADER_ELECTION ?? 'true';
  if (enabled !== 'true' && enabled !== 'false') throw new Error(`STEWARD_LEADER_ELECTION=${enabled}: use true or false`);
  if (enabled === 'false') return undefined;
  const timing: LeaseTiming = {
    leaseDurationMs: seconds(env, 'STEWARD_LEASE_DURATION_SECONDS', DEFAULT_LEASE_TIMING.leaseDurationMs),
    renewDeadlineMs: seconds(env, 'STEWARD_LEASE_RENEW_DEADLINE_SECONDS', DEFAULT_LEASE_TIMING.renewDeadlineMs),
    retryPeriodMs: seconds(env, 'STEWARD_LEASE_RETRY_PERIOD_SECONDS', DEFAULT_LEASE_TIMING.retryPeriodMs),
  };
  const problem = leaseTimingProblem(timing);
  if (problem) {
    throw new Error(`STEWARD_LEASE_DURATION_SECONDS, STEWARD_LEASE_RENEW_DEADLINE_SECONDS, STEWARD_LEASE_RETRY_PERIOD_SECONDS: ${problem}`);
  }
  return {
    target: {
      namespace: nonEmpty(env, 'STEWARD_LEASE_NAMESPACE') ?? DEFAULT_LEASE_NAMESPACE,
      name: nonEmpty(env, 'STEWARD_LEASE_NAME') ?? defaultLeaseName(scope.cluster, scope.watchNamespace),
      identity: nonEmpty(env, 'STEWARD_LEASE_IDENTITY') ?? `${os.hostname()}_${randomUUID()}`,
    },
    timing,
  };
}

function nonEmpty(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable];
  if (value === undefined) return undefined;
  if (!value.trim()) throw new Error(`${variable} is set but empty: unset it for the default or give a value`);
  return value.trim();
}

function seconds(env: NodeJS.ProcessEnv, variable: string, defaultMs: number): number {
  const text = env[variable];
  if (text === undefined) return defaultMs;
  const value = Number(text);
  if (!text.trim() || !Number.isFinite(value) || value <= 0) throw new Error(`${variable}=${text} is not a positive number of seconds`);
  return Math.round(value * 1000);
}
