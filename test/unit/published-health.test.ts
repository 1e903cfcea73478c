import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { ReplicaCheckResult, ReplicaHealth } from '../../domain/replica-health.js';
import { decideReplicaSet, type ReplicaSetObservation, type ReplicaSetSpec } from '../../domain/replica-set.js';
import { followedReplicaHealth, parsePublishedHealth, PublishedHealthError, publishedHealthText, type PublishedHealth } from '../../domain/replica-set-health.js';
import { ReadReplicaRouter, routerOptionsFromEnv, type RouterEvent } from '../../router/index.js';

const spec: ReplicaSetSpec = {
  primary: { host: '127.0.0.1', port: 5000 },
  replicas: [{ host: '127.0.0.1', port: 5001 }, { host: '127.0.0.1', port: 5002 }],
  credentialsSecretRef: { name: 'creds' }, failureThreshold: 1, maxLagBytes: 1000,
};
const good = (lagBytes = 0, responseTimeMs = 3): ReplicaCheckResult => ({ ok: true, at: 1, responseTimeMs, inRecovery: true, streaming: true, lagBytes, lagSeconds: 0 });
const down: ReplicaCheckResult = { ok: false, at: 1, error: 'ECONNREFUSED' };

function decide(checks: Record<string, ReplicaCheckResult>, healthConfigMap?: ReplicaSetObservation['healthConfigMap']) {
  const observed: ReplicaSetObservation = { namespace: 'ns', name: 'db', uid: 'u', generation: 1, spec, deleting: false, pods: [], checks, refusals: [], healthConfigMap };
  return decideReplicaSet(observed, {}, { now: 0 });
}

describe('decideReplicaSet: the published health', () => {
  const healthy = decide({ '127.0.0.1:5001': good(), '127.0.0.1:5002': good() });
  const published = healthy.publishHealth ?? '';

  it('publishes the verdicts and the routing, and no readings', () => {
    expect(JSON.parse(published)).toEqual({
      replicaSet: 'ns/db', routingTo: ['127.0.0.1:5001', '127.0.0.1:5002'],
      replicas: [{ server: '127.0.0.1:5001', healthy: true, reason: 'Healthy' }, { server: '127.0.0.1:5002', healthy: true, reason: 'Healthy' }],
    });
  });

  it.each([
    ['no ConfigMap yet: publish', undefined, { '127.0.0.1:5001': good(), '127.0.0.1:5002': good() }, true],
    ['same verdicts: nothing to write', { owned: true, text: published }, { '127.0.0.1:5001': good(), '127.0.0.1:5002': good() }, false],
    ['only readings changed (lag within bounds, response time): nothing to write', { owned: true, text: published }, { '127.0.0.1:5001': good(999, 40), '127.0.0.1:5002': good(5, 1) }, false],
    ['a replica over the lag bound: publish', { owned: true, text: published }, { '127.0.0.1:5001': good(5000), '127.0.0.1:5002': good() }, true],
    ['a replica down: publish', { owned: true, text: published }, { '127.0.0.1:5001': good(), '127.0.0.1:5002': down }, true],
    ['a ConfigMap of someone else: left alone', { owned: false, text: 'theirs' }, { '127.0.0.1:5001': good(), '127.0.0.1:5002': good() }, false],
  ] as const)('%s', (_name, healthConfigMap, checks, publishes) => {
    const d = decide(checks, healthConfigMap);
    expect(d.publishHealth !== undefined).toBe(publishes);
  });

  it('routes to the primary when no replica is healthy, and publishes that', () => {
    const d = decide({ '127.0.0.1:5001': down, '127.0.0.1:5002': good(5000) }, { owned: true, text: published });
    expect(parsePublishedHealth(d.publishHealth ?? '')).toEqual({
      replicaSet: 'ns/db', routingTo: ['127.0.0.1:5000'],
      replicas: [{ server: '127.0.0.1:5001', healthy: false, reason: 'Unreachable' }, { server: '127.0.0.1:5002', healthy: false, reason: 'LagBytes' }],
    });
  });

  it('a foreign ConfigMap stalls the set with NotOwned, naming it', () => {
    const d = decide({ '127.0.0.1:5001': good(), '127.0.0.1:5002': good() }, { owned: false });
    expect(d.status.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({
      status: 'True', reason: 'NotOwned', message: expect.stringContaining('ConfigMap ns/db-health exists and is not owned by this PostgresReplicaSet'),
    }));
  });

  it('the text is stable: equal statuses give equal text', () => {
    expect(publishedHealthText('ns', 'db', healthy.status)).toBe(published);
  });
});

describe('parsePublishedHealth', () => {
  it.each([
    ['not JSON', '{'],
    ['null', 'null'],
    ['no replicaSet', '{"routingTo":[],"replicas":[]}'],
    ['routingTo not a list of strings', '{"replicaSet":"a/b","routingTo":[1],"replicas":[]}'],
    ['no replicas', '{"replicaSet":"a/b","routingTo":[]}'],
    ['a replica without healthy', '{"replicaSet":"a/b","routingTo":[],"replicas":[{"server":"h:1"}]}'],
  ])('refuses %s', (_name, text) => {
    expect(() => parsePublishedHealth(text)).toThrow(PublishedHealthError);
  });

  it('reads an unknown reason from the verdict', () => {
    const doc = parsePublishedHealth('{"replicaSet":"a/b","routingTo":[],"replicas":[{"server":"h:1","healthy":false,"reason":"Gremlins"},{"server":"h:2","healthy":true}]}');
    expect(doc.replicas.map((r) => r.reason)).toEqual(['Unreachable', 'Healthy']);
  });
});

describe('followedReplicaHealth', () => {
  const doc: PublishedHealth = { replicaSet: 'ns/db', routingTo: ['h:1'], replicas: [{ server: 'h:1', healthy: true, reason: 'Healthy' }, { server: 'h:2', healthy: false, reason: 'LagBytes' }] };
  const before: ReplicaHealth = { healthy: true, reason: 'Unchecked', message: 'not checked yet', failureCount: 2, lagBytes: 7 };
  it.each([
    ['a healthy verdict', 'h:1', true, 'Healthy', 'Healthy, as published by PostgresReplicaSet ns/db'],
    ['an unhealthy verdict', 'h:2', false, 'LagBytes', 'LagBytes, as published by PostgresReplicaSet ns/db'],
    ['a server the set does not list', 'h:3', false, 'Unreachable', 'PostgresReplicaSet ns/db does not list h:3'],
  ])('%s', (_name, server, healthy, reason, message) => {
    expect(followedReplicaHealth(doc, server, before)).toEqual({ healthy, reason, message, failureCount: 0, lagBytes: 7 });
  });
});

describe('ReadReplicaRouter following a published health file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'published-health-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, doc: PublishedHealth) => fs.writeFileSync(file, JSON.stringify(doc));
  const replicas = [{ host: '127.0.0.1', port: 5001 }, { host: '127.0.0.1', port: 5002 }];
  const doc = (healthy2: boolean): PublishedHealth => ({
    replicaSet: 'ns/db', routingTo: healthy2 ? ['127.0.0.1:5001', '127.0.0.1:5002'] : ['127.0.0.1:5001'],
    replicas: [{ server: '127.0.0.1:5001', healthy: true, reason: 'Healthy' }, { server: '127.0.0.1:5002', healthy: healthy2, reason: healthy2 ? 'Healthy' : 'Unreachable' }],
  });

  it('takes the verdicts from the file, follows its changes and runs no checks of its own (no server is contacted)', async () => {
    const file = path.join(dir, 'health.json');
    write(file, doc(true));
    const events: RouterEvent[] = [];
    const router = new ReadReplicaRouter({ primary: { host: '127.0.0.1', port: 5000, database: 'postgres', user: 'u' }, replicas, healthFile: file, healthFileIntervalMs: 0, assumeHealthyAtStart: false, onEvent: (e) => events.push(e) });
    try {
      expect((await router.checkHealthNow()).map((r) => [r.healthy, r.reason])).toEqual([[true, 'Healthy'], [true, 'Healthy']]);
      write(file, doc(false));
      expect((await router.checkHealthNow()).map((r) => [r.healthy, r.reason])).toEqual([[true, 'Healthy'], [false, 'Unreachable']]);
      expect(router.getMetrics()).toEqual(expect.objectContaining({ healthyReplicaCount: 1, healthCheckFailures: 0 }));
      expect(events.filter((e) => e.type === 'replica-unhealthy').map((e) => e.server)).toEqual(['127.0.0.1:5002']);
      // Nothing was dialled: a check of its own would have failed (no server on these ports) and shown as pool errors or failures.
      expect(events.filter((e) => e.type === 'pool-error')).toEqual([]);
    } finally {
      await router.close();
    }
  });

  it('a missing or malformed file is reported and keeps the last verdicts', async () => {
    const file = path.join(dir, 'later.json');
    const events: RouterEvent[] = [];
    const router = new ReadReplicaRouter({ primary: { host: '127.0.0.1', port: 5000, database: 'postgres', user: 'u' }, replicas, healthFile: file, healthFileIntervalMs: 0, onEvent: (e) => events.push(e) });
    try {
      expect((await router.checkHealthNow()).map((r) => r.reason)).toEqual(['Unchecked', 'Unchecked']);
      expect(events.find((e) => e.type === 'health-source-error')?.message).toContain('ENOENT');
      write(file, doc(false));
      await router.checkHealthNow();
      fs.writeFileSync(file, '{ torn');
      expect((await router.checkHealthNow()).map((r) => r.healthy)).toEqual([true, false]);
      expect(events.filter((e) => e.type === 'health-source-error')).toHaveLength(3);
    } finally {
      await router.close();
    }
  });

  it.each([
    [{}, undefined, undefined],
    [{ DB_HEALTH_FILE: '/etc/db-health/health.json', DB_HEALTH_FILE_INTERVAL_MS: '500' }, '/etc/db-health/health.json', 500],
    [{ DB_HEALTH_FILE: ' ' }, undefined, undefined],
  ])('routerOptionsFromEnv(%j)', (env, healthFile, healthFileIntervalMs) => {
    const options = routerOptionsFromEnv(env);
    expect([options.healthFile, options.healthFileIntervalMs]).toEqual([healthFile, healthFileIntervalMs]);
  });
});
