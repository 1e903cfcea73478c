import { describe, expect, it } from '@jest/globals';
import { capacityFromEnv, type WorkerCapacity } from '../../worker/capacity-settings.js';
import { defaultLeaseName, leaderSettingsFromEnv } from '../../worker/leader-settings.js';

describe('capacityFromEnv: the worker\'s workflow cache and concurrency', () => {
  it.each<[Record<string, string>, WorkerCapacity]>([
    [{}, { maxCachedWorkflows: 300, maxConcurrentWorkflowTasks: 20, maxConcurrentActivities: 20, workflowThreads: 2, shutdownGraceMs: 25_000 }],
    [{ STEWARD_MAX_CACHED_WORKFLOWS: '1000' }, { maxCachedWorkflows: 1000, maxConcurrentWorkflowTasks: 20, maxConcurrentActivities: 20, workflowThreads: 2, shutdownGraceMs: 25_000 }],
    [{ STEWARD_MAX_CACHED_WORKFLOWS: '4' }, { maxCachedWorkflows: 4, maxConcurrentWorkflowTasks: 4, maxConcurrentActivities: 20, workflowThreads: 2, shutdownGraceMs: 25_000 }],
    [{ STEWARD_MAX_CACHED_WORKFLOWS: '0' }, { maxCachedWorkflows: 0, maxConcurrentWorkflowTasks: 20, maxConcurrentActivities: 20, workflowThreads: 2, shutdownGraceMs: 25_000 }],
    [{ STEWARD_MAX_CACHED_WORKFLOWS: '0', STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS: '80' }, { maxCachedWorkflows: 0, maxConcurrentWorkflowTasks: 80, maxConcurrentActivities: 20, workflowThreads: 2, shutdownGraceMs: 25_000 }],
    [{ STEWARD_SHUTDOWN_GRACE_SECONDS: '0' }, { maxCachedWorkflows: 300, maxConcurrentWorkflowTasks: 20, maxConcurrentActivities: 20, workflowThreads: 2, shutdownGraceMs: 0 }],
    [{ STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS: '5', STEWARD_MAX_CONCURRENT_ACTIVITIES: '8' }, { maxCachedWorkflows: 300, maxConcurrentWorkflowTasks: 5, maxConcurrentActivities: 8, workflowThreads: 2, shutdownGraceMs: 25_000 }],
    [{ STEWARD_WORKFLOW_THREADS: '3' }, { maxCachedWorkflows: 300, maxConcurrentWorkflowTasks: 20, maxConcurrentActivities: 20, workflowThreads: 3, shutdownGraceMs: 25_000 }],
  ])('%j gives %j', (env, expected) => {
    expect(capacityFromEnv(env)).toEqual(expected);
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ STEWARD_MAX_CACHED_WORKFLOWS: 'lots' }, /STEWARD_MAX_CACHED_WORKFLOWS=lots is not a whole number/],
    [{ STEWARD_MAX_CACHED_WORKFLOWS: '-5' }, /STEWARD_MAX_CACHED_WORKFLOWS=-5/],
    [{ STEWARD_MAX_CACHED_WORKFLOWS: '1' }, /use 0 \(no cache\) or at least 2/],
    [{ STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }, /STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS=1 is not a whole number of at least 2/],
    [{ STEWARD_MAX_CACHED_WORKFLOWS: '10', STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS: '11' }, /exceeds STEWARD_MAX_CACHED_WORKFLOWS=10/],
    [{ STEWARD_MAX_CONCURRENT_ACTIVITIES: '0' }, /STEWARD_MAX_CONCURRENT_ACTIVITIES=0/],
    [{ STEWARD_MAX_CONCURRENT_ACTIVITIES: '2.5' }, /STEWARD_MAX_CONCURRENT_ACTIVITIES=2.5/],
    [{ STEWARD_SHUTDOWN_GRACE_SECONDS: '30s' }, /STEWARD_SHUTDOWN_GRACE_SECONDS=30s is not a whole number/],
    [{ STEWARD_WORKFLOW_THREADS: '0' }, /STEWARD_WORKFLOW_THREADS=0 is not a whole number of at least 1/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => capacityFromEnv(env)).toThrow(message);
  });
});

describe('leaderSettingsFromEnv: which Lease elects the worker that runs the watches', () => {
  it.each<[string | undefined, string | undefined, string]>([
    [undefined, undefined, 'stellar-steward-triggers'],
    ['prod', undefined, 'stellar-steward-triggers-prod'],
    [undefined, 'stellar', 'stellar-steward-triggers-stellar'],
    ['prod', 'stellar', 'stellar-steward-triggers-prod-stellar'],
  ])('cluster %s, watched namespace %s: Lease %s', (cluster, watchNamespace, name) => {
    expect(defaultLeaseName(cluster, watchNamespace)).toBe(name);
  });

  it('defaults: stellar-system, 15/10/2 s, an identity unique per process', () => {
    const a = leaderSettingsFromEnv({}, {});
    const b = leaderSettingsFromEnv({}, {});
    expect(a).toEqual({
      target: { namespace: 'stellar-system', name: 'stellar-steward-triggers', identity: expect.stringMatching(/^.+_[0-9a-f-]{36}$/) },
      timing: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
    });
    expect(a?.target.identity).not.toBe(b?.target.identity);
  });

  it('reads every variable', () => {
    expect(leaderSettingsFromEnv({ cluster: 'prod' }, {
      STEWARD_LEADER_ELECTION: 'true', STEWARD_LEASE_NAMESPACE: 'steward', STEWARD_LEASE_NAME: 'mine', STEWARD_LEASE_IDENTITY: 'worker-1',
      STEWARD_LEASE_DURATION_SECONDS: '4', STEWARD_LEASE_RENEW_DEADLINE_SECONDS: '3', STEWARD_LEASE_RETRY_PERIOD_SECONDS: '0.5',
    })).toEqual({ target: { namespace: 'steward', name: 'mine', identity: 'worker-1' }, timing: { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 } });
  });

  it('is off with STEWARD_LEADER_ELECTION=false (every worker runs the watches)', () => {
    expect(leaderSettingsFromEnv({}, { STEWARD_LEADER_ELECTION: 'false' })).toBeUndefined();
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ STEWARD_LEADER_ELECTION: 'yes' }, /STEWARD_LEADER_ELECTION=yes: use true or false/],
    [{ STEWARD_LEASE_DURATION_SECONDS: 'soon' }, /STEWARD_LEASE_DURATION_SECONDS=soon is not a positive number of seconds/],
    [{ STEWARD_LEASE_RETRY_PERIOD_SECONDS: '0' }, /STEWARD_LEASE_RETRY_PERIOD_SECONDS=0/],
    [{ STEWARD_LEASE_RENEW_DEADLINE_SECONDS: '20' }, /longer than the renew deadline/],
    [{ STEWARD_LEASE_DURATION_SECONDS: '7.5' }, /whole seconds/],
    [{ STEWARD_LEASE_NAME: ' ' }, /STEWARD_LEASE_NAME is set but empty/],
  ])('refuses %j, naming the variable or the rule', (env, message) => {
    expect(() => leaderSettingsFromEnv({}, env)).toThrow(message);
  });
});
