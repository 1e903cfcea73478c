import { afterEach, describe, expect, it } from '@jest/globals';
import type { WorkflowSubject } from '../../domain/names.js';
import { startOptions } from '../../worker/start-options.js';
import { stewardScopeFromEnv, type StewardScope } from '../../worker/steward-scope.js';

describe('stewardScopeFromEnv', () => {
  it.each([
    [{}, { taskQueue: 'stellar-steward' }],
    [{ STEWARD_TASK_QUEUE: 'staging' }, { taskQueue: 'staging' }],
    [{ STEWARD_CLUSTER: 'prod' }, { cluster: 'prod', taskQueue: 'stellar-steward-prod' }],
    [{ STEWARD_CLUSTER: 'prod', STEWARD_TASK_QUEUE: 'q' }, { cluster: 'prod', taskQueue: 'q' }],
    [{ STEWARD_CLUSTER: '' }, { taskQueue: 'stellar-steward' }],
  ])('%j gives %j', (env, expected) => {
    expect(stewardScopeFromEnv(env)).toEqual(expected);
  });

  it.each([
    [{ STEWARD_TASK_QUEUE: ' ' }, /STEWARD_TASK_QUEUE is set but empty/],
    [{ STEWARD_CLUSTER: 'a/b' }, /STEWARD_CLUSTER=a\/b: 'a\/b' is not a cluster name/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => stewardScopeFromEnv(env)).toThrow(message);
  });
});

describe('startOptions: what every workflow start carries', () => {
  const plain: StewardScope = { taskQueue: 'stellar-steward' };
  const prod: StewardScope = { cluster: 'prod', taskQueue: 'stellar-steward-prod' };
  afterEach(() => {
    delete process.env.STEWARD_SEARCH_ATTRIBUTES;
  });

  it.each<[WorkflowSubject, StewardScope, string, string, Record<string, string>]>([
    [{ kind: 'readonlypool', namespace: 'stellar', name: 'p', network: 'Testnet' }, plain, 'readonlypool/stellar/p', 'readonlypool stellar/p',
      { StewardKind: 'readonlypool', StewardNamespace: 'stellar', StewardName: 'p', StewardNetwork: 'testnet' }],
    [{ kind: 'readonlypool', namespace: 'stellar', name: 'p', network: 'Testnet' }, prod, 'prod/readonlypool/stellar/p', 'prod: readonlypool stellar/p',
      { StewardKind: 'readonlypool', StewardNamespace: 'stellar', StewardName: 'p', StewardNetwork: 'testnet', StewardCluster: 'prod' }],
    [{ kind: 'tenant', namespace: 'ns', name: 't' }, plain, 'tenant/ns/t', 'tenant ns/t', { StewardKind: 'tenant', StewardNamespace: 'ns', StewardName: 't' }],
    [{ kind: 'postgres-replicas', namespace: 'ns', name: 'db' }, prod, 'prod/postgres-replicas/ns/db', 'prod: postgres-replicas ns/db',
      { StewardKind: 'postgres-replicas', StewardNamespace: 'ns', StewardName: 'db', StewardCluster: 'prod' }],
    [{ kind: 'validator-set', network: 'Mainnet' }, prod, 'prod/validator-set/mainnet', 'prod: validator-set mainnet',
      { StewardKind: 'validator-set', StewardNetwork: 'mainnet', StewardCluster: 'prod' }],
  ])('%j in %j: id %s, summary %s, attributes %j', (subject, scope, id, summary, attributes) => {
    const options = startOptions(subject, scope);
    expect(options.workflowId).toBe(id);
    expect(options.taskQueue).toBe(scope.taskQueue);
    expect(options.staticSummary).toBe(summary);
    expect(Object.fromEntries((options.typedSearchAttributes ?? []).map((pair) => [pair.key.name, pair.value]))).toEqual(attributes);
  });

  it('sets no attributes with STEWARD_SEARCH_ATTRIBUTES=false, and keeps id and queue', () => {
    process.env.STEWARD_SEARCH_ATTRIBUTES = 'false';
    const options = startOptions({ kind: 'tenant', namespace: 'ns', name: 't' }, prod);
    expect(options).toEqual({ workflowId: 'prod/tenant/ns/t', taskQueue: 'stellar-steward-prod', staticSummary: 'prod: tenant ns/t', workflowTaskTimeout: '4 seconds' });
  });
});
