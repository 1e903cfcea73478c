import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import type { LogEntry } from '@temporalio/worker';
import { formatLogEntry } from '../../worker/runtime.js';

const at = (message: string, meta?: Record<string, unknown>, level: LogEntry['level'] = 'WARN'): LogEntry => ({
  level, message, meta, timestampNanos: 1_700_000_000_000_000_000n,
});

describe('formatLogEntry', () => {
  const activityFailed = at('Activity failed', {
    error: new Error('Secret ns/pg is missing', { cause: new Error('GET /api/v1/namespaces/ns/secrets/pg: 404 NotFound') }),
    taskToken: 'CiQ0ZjE2ZmQ5Ni1zZWNyZXQ=', activityType: 'checkReplicas', workflowId: 'postgres-replicas/ns/db', attempt: 3,
  });

  it('an "Activity failed" JSON line keeps the error message and its cause, and drops the task token', () => {
    const line = formatLogEntry(activityFailed, 'json');
    expect(line).not.toContain('taskToken');
    expect(line).not.toContain('CiQ0ZjE2ZmQ5Ni1zZWNyZXQ=');
    expect(JSON.parse(line)).toEqual({
      time: '2023-11-14T22:13:20.000Z', level: 'warn', message: 'Activity failed', activityType: 'checkReplicas', workflowId: 'postgres-replicas/ns/db', attempt: 3,
      error: { name: 'Error', message: 'Secret ns/pg is missing', cause: { name: 'Error', message: 'GET /api/v1/namespaces/ns/secrets/pg: 404 NotFound' } },
    });
  });

  it('the text form drops the task token and keeps the message too', () => {
    const line = formatLogEntry(activityFailed, 'text');
    expect(line).toMatch(/^2023-11-14T22:13:20.000Z \[WARN\] Activity failed /);
    expect(line).toContain('Secret ns/pg is missing');
    expect(line).not.toContain('taskToken');
  });

  it('an ApplicationFailure keeps its type and nonRetryable flag', () => {
    const error = ApplicationFailure.create({ message: 'spec.minReplicas must be at least 1', type: 'InvalidSpec', nonRetryable: true });
    const parsed = JSON.parse(formatLogEntry(at('Activity failed', { error }), 'json')) as { error: Record<string, unknown> };
    expect(parsed.error).toEqual(expect.objectContaining({ name: 'ApplicationFailure', message: 'spec.minReplicas must be at least 1', type: 'InvalidSpec', nonRetryable: true }));
  });

  it.each([
    ['nested task tokens', { completion: { taskToken: 'abc', result: 'ok' } }, { completion: { result: 'ok' } }],
    ['bigints as strings', { nanos: 12n }, { nanos: '12' }],
    ['core fields as they come', { sdkComponent: 'core', target: 'temporal_sdk_core::worker' }, { sdkComponent: 'core', target: 'temporal_sdk_core::worker' }],
  ])('writes %s', (_case, meta, expected) => {
    const parsed = JSON.parse(formatLogEntry(at('m', meta, 'INFO'), 'json')) as Record<string, unknown>;
    expect(parsed).toEqual({ time: '2023-11-14T22:13:20.000Z', level: 'info', message: 'm', ...expected });
  });
});
