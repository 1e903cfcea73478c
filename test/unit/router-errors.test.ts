import { describe, expect, it } from '@jest/globals';
import { classifyReplicaError, ReadReplicaRouter, ReplicaTimeoutError, RouterConfigError, TransactionControlError, type ReplicaErrorKind, type RouterOptions } from '../../router/index.js';

const withCode = (code: string): Error => Object.assign(new Error('from the server'), { code });

describe('classifyReplicaError', () => {
  it.each<[string, unknown, ReplicaErrorKind]>([
    ['a query timeout on a replica', new ReplicaTimeoutError('127.0.0.1:5433', 300), 'replica-down'],
    ['connection refused', withCode('ECONNREFUSED'), 'replica-down'],
    ['admin shutdown', withCode('57P01'), 'replica-down'],
    ['read-only transaction', withCode('25006'), 'standby-refused'],
    ['statement_timeout (the statement, not the replica)', withCode('57014'), 'statement'],
    ['syntax error', withCode('42601'), 'statement'],
  ])('%s -> %s', (_name, error, kind) => {
    expect(classifyReplicaError(error)).toBe(kind);
  });
});

describe('router errors', () => {
  it('name the server and the timeout, and the command with the ways out', () => {
    const timeout = new ReplicaTimeoutError('127.0.0.1:5433', 300);
    expect([timeout.name, timeout.server, timeout.timeoutMs]).toEqual(['ReplicaTimeoutError', '127.0.0.1:5433', 300]);
    const refused = new TransactionControlError('BEGIN');
    expect(refused.command).toBe('BEGIN');
    expect(refused.message).toContain("router.transaction('write'");
    expect(refused.message).toContain("router.getClient('write')");
  });
});

describe('ReadReplicaRouter option checks', () => {
  const primary = { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres' };
  it.each<[string, Partial<RouterOptions>]>([
    ['a negative router query timeout', { queryTimeoutMs: -1 }],
    ['a negative statement timeout', { statementTimeoutMs: -1 }],
    ['a negative per-replica query timeout', { replicas: [{ host: '127.0.0.1', port: 5433, queryTimeoutMs: -1 }] }],
    ['a per-replica connection timeout that is not a number', { replicas: [{ host: '127.0.0.1', port: 5433, connectionTimeoutMillis: Number.NaN }] }],
    ['a function cache TTL of 0', { functionCacheTtlMs: 0 }],
  ])('refuses %s before opening any pool', (_name, overrides) => {
    expect(() => new ReadReplicaRouter({ primary, healthCheckIntervalMs: 0, ...overrides })).toThrow(RouterConfigError);
  });
});
