import { describe, expect, it } from '@jest/globals';
import type { ReplicaCheckResult } from '../../domain/replica-health.js';
import {
  decideReplicaSet, validateReplicaSetSpec, type ReplicaSetDecision, type ReplicaSetMemory, type ReplicaSetObservation, type ReplicaSetSpec,
} from '../../domain/replica-set.js';
import { cleanDetail, statusWriteDue } from '../../domain/replica-set-status.js';

const spec: ReplicaSetSpec = {
  primary: { host: '127.0.0.1', port: 5000, podName: 'primary' },
  replicas: [{ host: '127.0.0.1', port: 5001, podName: 'r1' }, { host: '127.0.0.1', port: 5002, podName: 'r2' }],
  credentialsSecretRef: { name: 'creds' }, failureThreshold: 2, maxLagBytes: 1000,
};
const R1 = '127.0.0.1:5001';
const R2 = '127.0.0.1:5002';
const good = (lagBytes = 0, at = 1, responseTimeMs = 3): ReplicaCheckResult => ({ ok: true, at, responseTimeMs, inRecovery: true, streaming: true, lagBytes, lagSeconds: 0 });
const bad: ReplicaCheckResult = { ok: false, at: 1, error: 'ECONNREFUSED' };
const secretMissing: ReplicaCheckResult = { ok: false, at: 1, reason: 'SecretMissing', error: 'Secret ns/creds not found' };
const routedPods = [{ name: 'primary', routed: false }, { name: 'r1', routed: true }, { name: 'r2', routed: true }];

function observation(checks: Record<string, ReplicaCheckResult>, extra: Partial<ReplicaSetObservation> = {}): ReplicaSetObservation {
  return { namespace: 'ns', name: 'db', uid: 'u', generation: 1, spec, deleting: false, pods: routedPods, checks, refusals: [], ...extra };
}

/** Runs passes one after the other, each observing the status the previous one wrote (when it wrote). */
function passes(checks: Record<string, ReplicaCheckResult>[], now: (i: number) => number = (i) => i * 1000, first: Partial<ReplicaSetObservation> = {}): ReplicaSetDecision[] {
  const out: ReplicaSetDecision[] = [];
  let memory: ReplicaSetMemory = {};
  let status = first.status;
  checks.forEach((c, i) => {
    const d = decideReplicaSet(observation(c, { ...first, status }), memory, { now: now(i) });
    if (d.writeStatus) status = d.status;
    memory = d.memory;
    out.push(d);
  });
  return out;
}

describe('decideReplicaSet: health and routing', () => {
  it('routes to healthy replicas and reports them', () => {
    const d = decideReplicaSet(observation({ [R1]: good(), [R2]: good() }), {}, { now: 0 });
    expect(d.routedPods).toEqual(['r1', 'r2']);
    expect(d.status).toEqual(expect.objectContaining({ healthyReplicas: 2, replicaCount: 2, routingTo: [R1, R2] }));
    expect(d.podRoutes).toEqual([]);
  });

  it('ejects a replica over the lag bound at once, unlabels its pod and emits a Warning event', () => {
    const d = decideReplicaSet(observation({ [R1]: good(5000), [R2]: good() }), {}, { now: 0 });
    expect(d.routedPods).toEqual(['r2']);
    expect(d.podRoutes).toEqual([{ pod: 'r1', routed: false }]);
    expect(d.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'ReplicaUnhealthy' })]);
  });

  it('ejects a failing replica only after failureThreshold consecutive failures', () => {
    const [once, twice] = passes([{ [R1]: bad, [R2]: good() }, { [R1]: bad, [R2]: good() }]);
    expect(once?.routedPods).toEqual(['r1', 'r2']);
    expect(twice?.routedPods).toEqual(['r2']);
  });

  it('routes to the primary when no replica is healthy, and says so', () => {
    const d = decideReplicaSet(observation({ [R1]: good(9999), [R2]: good(9999) }), {}, { now: 0 });
    expect(d.routedPods).toEqual(['primary']);
    expect(d.podRoutes).toEqual([{ pod: 'primary', routed: true }, { pod: 'r1', routed: false }, { pod: 'r2', routed: false }]);
    expect(d.status.conditions.find((c) => c.type === 'Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'NoHealthyReplica' }));
  });

  it('readmits a replica after one good check', () => {
    const [, back] = passes([{ [R1]: good(5000), [R2]: good() }, { [R1]: good(), [R2]: good() }]);
    expect(back?.routedPods).toEqual(['r1', 'r2']);
    expect(back?.events).toEqual([expect.objectContaining({ type: 'Normal', reason: 'ReplicaHealthy' })]);
  });

  it('resumes health from the status on a fresh start: an ejected replica stays out after one more failure', () => {
    const [, ejected] = passes([{ [R1]: bad, [R2]: good() }, { [R1]: bad, [R2]: good() }]);
    const fresh = decideReplicaSet(observation({ [R1]: bad, [R2]: good() }, { status: ejected?.status }), {}, { now: 5000 });
    expect(fresh.routedPods).toEqual(['r2']);
    expect(fresh.events).toEqual([]);
  });
});

describe('decideReplicaSet: route labels of pods the spec no longer names', () => {
  it.each([
    ['a replica removed from the spec', [{ name: 'r1', routed: true }, { name: 'r2', routed: true }, { name: 'r3', routed: true }], [{ pod: 'r3', routed: false }]],
    ['a stray label on an unrelated pod', [{ name: 'r1', routed: true }, { name: 'r2', routed: true }, { name: 'other', routed: true }], [{ pod: 'other', routed: false }]],
    ['a removed pod that is already unlabelled', [{ name: 'r1', routed: true }, { name: 'r2', routed: true }], []],
    ['a named pod that does not exist is not labelled', [{ name: 'r1', routed: true }], []],
  ])('%s', (_name, pods, podRoutes) => {
    const d = decideReplicaSet(observation({ [R1]: good(), [R2]: good() }, { pods }), {}, { now: 0 });
    expect(d.podRoutes).toEqual(podRoutes);
    const removed = podRoutes.map((r) => r.pod);
    expect(d.events.filter((e) => e.reason === 'RouteRemoved').map((e) => e.message)).toEqual(removed.map((pod) => expect.stringContaining(`pod ${pod} `)));
  });
});

describe('decideReplicaSet: status writes', () => {
  it('a steady replica set writes its status once, then not again while only readings change', () => {
    const steady = Array.from({ length: 6 }, (_, i) => ({ [R1]: good(i * 7, i * 1000, 2 + i), [R2]: good(0, i * 1000, 9 - i) }));
    const writes = passes(steady).map((d) => d.writeStatus);
    expect(writes).toEqual([true, false, false, false, false, false]);
  });

  it.each([
    ['a replica turns unhealthy', true, { [R1]: good(5000), [R2]: good() }],
    ['a replica stops streaming', true, { [R1]: { ...good(), streaming: false }, [R2]: good() }],
    ['one failed check below the threshold (failure count only)', false, { [R1]: bad, [R2]: good() }],
    ['lag bytes and response time change within bounds', false, { [R1]: good(999, 2, 40), [R2]: good(3, 2, 1) }],
    ['the Secret disappears', true, { [R1]: secretMissing, [R2]: secretMissing }],
  ] as const)('after a steady pass, %s: writeStatus %s', (_name, write, next) => {
    const [, d] = passes([{ [R1]: good(), [R2]: good() }, next]);
    expect(d?.writeStatus).toBe(write);
  });

  it('refreshes readings at most once per refresh period', () => {
    const checks = Array.from({ length: 8 }, (_, i) => ({ [R1]: good(i, i * 60_000), [R2]: good(0, i * 60_000) }));
    const writes = passes(checks, (i) => i * 60_000).map((d) => d.writeStatus);
    // written at 0, then readings only: due again 300 s after the last write
    expect(writes).toEqual([true, false, false, false, false, true, false, false]);
  });

  it('a failing replica that stays down writes no status per failure', () => {
    const down = Array.from({ length: 6 }, () => ({ [R1]: bad, [R2]: good() }));
    expect(passes(down).map((d) => d.writeStatus)).toEqual([true, true, false, false, false, false]);
  });

  it('statusWriteDue: always without a status, never for an equal one even when a refresh is due', () => {
    const d = decideReplicaSet(observation({ [R1]: good(), [R2]: good() }), {}, { now: 0 });
    const facts = { next: d.status, lastWriteAt: undefined, now: 10 ** 9, refreshMs: 1 };
    expect(statusWriteDue({ ...facts, previous: undefined })).toBe(true);
    expect(statusWriteDue({ ...facts, previous: d.status })).toBe(false);
  });
});

describe('decideReplicaSet: refusals stall the resource and the loop goes on', () => {
  it('a missing Secret: Stalled=True naming the Secret and what to do, Ready=False, a Warning Event, routing kept', () => {
    const [healthy, stalled, still] = passes([{ [R1]: good(), [R2]: good() }, { [R1]: secretMissing, [R2]: secretMissing }, { [R1]: secretMissing, [R2]: secretMissing }]);
    const condition = (type: string) => stalled?.status.conditions.find((c) => c.type === type);
    expect(condition('Stalled')).toEqual(expect.objectContaining({ status: 'True', reason: 'SecretMissing' }));
    expect(condition('Stalled')?.message).toMatch(/Secret ns\/creds does not exist: create it with keys username and password/);
    expect(condition('Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'SecretMissing' }));
    expect(stalled?.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'SecretMissing' })]);
    expect(stalled?.routedPods).toEqual(healthy?.routedPods);
    expect(stalled?.status.replicas.map((r) => r.failureCount)).toEqual([0, 0]);
    expect(still?.events).toEqual([]);
    expect(still?.writeStatus).toBe(false);
  });

  it('the Secret comes back: Stalled=False and a Normal Event', () => {
    const [, , back] = passes([{ [R1]: good(), [R2]: good() }, { [R1]: secretMissing, [R2]: secretMissing }, { [R1]: good(), [R2]: good() }]);
    expect(back?.status.conditions.find((c) => c.type === 'Stalled')?.status).toBe('False');
    expect(back?.events).toEqual([expect.objectContaining({ type: 'Normal', reason: 'StallResolved' })]);
  });

  it.each([
    ['a forbidden Secret', { checks: { [R1]: { ok: false, at: 1, reason: 'Forbidden', error: 'get Secret ns/creds: 403 Forbidden' } as ReplicaCheckResult } }, {}, 'Forbidden', /may not access Secret ns\/creds/],
    ['a Secret without username', { checks: { [R1]: { ok: false, at: 1, reason: 'SecretInvalid', error: 'no username' } as ReplicaCheckResult } }, {}, 'SecretInvalid', /Secret ns\/creds has no 'username' key/],
    ['a refused finalizer', { refusals: [{ reason: 'Forbidden', object: 'PostgresReplicaSet ns/db', detail: '403' }] }, {}, 'Forbidden', /PostgresReplicaSet ns\/db/],
    ['a refused pod label in the last apply', {}, { applyRefusals: [{ reason: 'Refused', object: 'Pod ns/r1', detail: '422 Invalid' }] }, 'Refused', /refused the write of Pod ns\/r1/],
    ['an invalid spec', { spec: { ...spec, replicas: [spec.replicas[0], spec.replicas[0]] } as ReplicaSetSpec }, {}, 'InvalidSpec', /server 127.0.0.1:5001 is listed more than once/],
  ] as const)('%s', (_name, extra, memory, reason, message) => {
    const d = decideReplicaSet(observation({ [R2]: good() }, extra as Partial<ReplicaSetObservation>), memory as ReplicaSetMemory, { now: 0 });
    const stalled = d.status.conditions.find((c) => c.type === 'Stalled');
    expect(stalled).toEqual(expect.objectContaining({ status: 'True', reason }));
    expect(stalled?.message).toMatch(message);
    expect(d.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(d.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Warning', reason })]));
  });

  it('an invalid spec moves no route label', () => {
    const d = decideReplicaSet(observation({}, { spec: { ...spec, replicas: [spec.replicas[0], spec.replicas[0]] } as ReplicaSetSpec, pods: [{ name: 'x', routed: true }] }), {}, { now: 0 });
    expect(d.podRoutes).toEqual([]);
  });
});

describe('validateReplicaSetSpec', () => {
  it.each([
    ['valid', 'db', spec, []],
    ['name too long for the route label', 'n'.repeat(55), spec, [expect.stringContaining('too long for the route label')]],
    ['longest name that fits', 'n'.repeat(54), spec, []],
    ['replica equal to the primary', 'db', { ...spec, replicas: [{ ...spec.primary, podName: 'x' }] }, ['server 127.0.0.1:5000 is listed more than once']],
    ['one pod for two servers', 'db', { ...spec, replicas: [{ host: 'a', port: 1, podName: 'primary' }] }, ['pod primary is named by more than one server']],
  ] as const)('%s', (_name, name, s, problems) => {
    expect(validateReplicaSetSpec(name, s as ReplicaSetSpec)).toEqual(problems);
  });
});

describe('cleanDetail', () => {
  it.each([
    ['control characters and newlines', 'a\u0000b\nc\u001b[31m', 'a b c [31m'],
    ['long text', 'x'.repeat(300), `${'x'.repeat(199)}…`],
  ])('%s', (_name, text, expected) => {
    expect(cleanDetail(text)).toBe(expected);
  });
});
