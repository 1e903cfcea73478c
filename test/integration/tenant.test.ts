import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { tenantPoolStatefulSetName } from '../../domain/names.js';
import type { TenantStatus } from '../../domain/tenant-decision.js';
import { startTenantTrigger } from '../../worker/resource-triggers.js';
import { confirmRemoveSignal, tenantStatusQuery } from '../../workflows/contract.js';
import { createNamespace, eventually, kube, mergePatch, startWorker, temporalClient, workerKube } from './support.js';

describe('Tenant on the local stack: real StatefulSet controller and KWOK pods', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let ns: string;
  const path = () => `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/store`;
  const status = async () => (await kube().request<{ status?: TenantStatus }>('GET', path())).status;
  const pool = (name: string, servers: number) => ({ name, servers, persistence: { volumesPerServer: 2 } });
  const state = (s: TenantStatus | undefined, name: string) => s?.pools.find((p) => p.name === name)?.state;
  const stsA = tenantPoolStatefulSetName('store', 'a');
  const stsB = tenantPoolStatefulSetName('store', 'b');

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('tenant');
    // One run per workflow through these tests, which slice its history (a run continues-as-new after 25 passes).
    stopTrigger = startTenantTrigger(workerKube(), client, { namespaces: [ns], taskQueue: worker.taskQueue, inputDefaults: { intervalSeconds: 2, passesPerRun: 1000 }, log: () => undefined });
    await kube().apply(path(), { apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 'store', namespace: ns }, spec: { image: 'rustfs/rustfs:1.0.0', pools: [pool('a', 3)] } });
  });
  afterAll(async () => {
    stopTrigger?.();
    await worker?.stop();
    await client?.connection.close();
  });

  it('a new tenant reaches PoolRolloutComplete and Ready, with one StatefulSet per pool', async () => {
    const s = await eventually(status, (v) => state(v, 'a') === 'PoolRolloutComplete' && v?.currentState === 'Ready', 60_000, 'pool a complete');
    expect(s?.availableReplicas).toBe(3);
    expect(s?.pools[0]).toEqual(expect.objectContaining({ ssName: stsA, replicas: 3, readyReplicas: 3, updatedReplicas: 3 }));
    const sts = await kube().request<{ spec: { volumeClaimTemplates: unknown[]; podManagementPolicy: string } }>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/${stsA}`);
    expect(sts.spec.volumeClaimTemplates).toHaveLength(2);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
  });

  it('an image change passes through PoolUpdating back to PoolRolloutComplete', async () => {
    const before = (await status())?.pools[0]?.currentRevision;
    // KWOK makes pods of a '-slowstart' image Ready 2 s late (stack/control-plane/kwok-stages.yaml), so the
    // rollout of 3 pods lasts over 6 s and passes see it under way. With pods Ready at once, a loaded machine
    // could finish the rollout between two passes, and no pass would see PoolUpdating.
    await mergePatch(path(), { spec: { image: 'rustfs/rustfs:1.1.0-slowstart' } });
    const s = await eventually(status, (v) => state(v, 'a') === 'PoolRolloutComplete' && v?.pools[0]?.currentRevision !== before, 90_000, 'rolled out to the new revision');
    expect(s?.pools[0]?.updateRevision).toBe(s?.pools[0]?.currentRevision);
    // The query's view is updated at the end of the iteration that wrote this status.
    const states = (v: { transitions: { pool: string; to: string }[] }) => v.transitions.filter((t) => t.pool === 'a').map((t) => t.to);
    const view = await eventually(() => client.workflow.getHandle(`tenant/${ns}/store`).query(tenantStatusQuery), (v) => states(v).at(-1) === 'PoolRolloutComplete' && states(v).includes('PoolUpdating'), 15_000, 'transitions through PoolUpdating');
    const path_ = states(view);
    expect(path_.slice(path_.lastIndexOf('PoolUpdating'))).toEqual(['PoolUpdating', 'PoolRolloutComplete']);
  });

  it('pods of the update revision that crash-loop give PoolRolloutFailed and Stalled=True; reverting the image recovers', async () => {
    await mergePatch(path(), { spec: { image: 'rustfs/rustfs:broken' } });
    const failed = await eventually(status, (v) => state(v, 'a') === 'PoolRolloutFailed', 60_000, 'PoolRolloutFailed');
    expect(failed?.pools[0]?.message).toMatch(new RegExp(`pod ${stsA}-\\d of revision .* cannot start: CrashLoopBackOff`));
    expect(failed?.currentState).toBe('Blocked');
    expect(failed?.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'True', reason: 'RolloutFailed' }));
    await mergePatch(path(), { spec: { image: 'rustfs/rustfs:1.1.0-slowstart' } });
    await eventually(status, (v) => state(v, 'a') === 'PoolRolloutComplete' && v?.currentState === 'Ready', 90_000, 'recovered after revert');
  });

  it('a pod turning unready after completion gives PoolDegraded, and recovers when it is ready again', async () => {
    const podPath = `/api/v1/namespaces/${ns}/pods/${stsA}-1/status`;
    const ready = (value: 'True' | 'False') => kube().request('PATCH', podPath, {
      body: { status: { conditions: [{ type: 'Ready', status: value }, { type: 'ContainersReady', status: value }] } }, contentType: 'application/strategic-merge-patch+json',
    });
    await ready('False');
    const degraded = await eventually(status, (v) => state(v, 'a') === 'PoolDegraded', 30_000, 'PoolDegraded');
    expect(degraded?.currentState).toBe('Degraded');
    expect(degraded?.pools[0]?.message).toMatch(`2/3 pods ready; not ready: ${stsA}-1`);
    expect(degraded?.conditions.find((c) => c.type === 'Degraded')?.status).toBe('True');
    await ready('True');
    await eventually(status, (v) => state(v, 'a') === 'PoolRolloutComplete' && v?.currentState === 'Ready', 30_000, 'complete again');
  });

  it("adding a pool creates its StatefulSet and keeps the other pool's status by name", async () => {
    await mergePatch(path(), { spec: { pools: [pool('b', 1), pool('a', 3)] } });
    const s = await eventually(status, (v) => state(v, 'b') === 'PoolRolloutComplete' && state(v, 'a') === 'PoolRolloutComplete', 60_000, 'pools a and b complete');
    expect(s?.pools.map((p) => p.name)).toEqual(['b', 'a']);
    expect(s?.availableReplicas).toBe(4);
  });

  it('refuses a change of servers at admission, saying why', async () => {
    const change = mergePatch(path(), { spec: { pools: [pool('b', 1), pool('a', 5)] } });
    await expect(change).rejects.toThrow(/servers is immutable/);
  });

  it('a claim template change Kubernetes forbids keeps the live templates, applies the rest, and says what to do', async () => {
    const bigger = { name: 'b', servers: 1, persistence: { volumesPerServer: 2, volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } } } };
    await mergePatch(path(), { spec: { image: 'rustfs/rustfs:1.2.0', pools: [bigger, pool('a', 3)] } });
    const s = await eventually(status, (v) => v?.conditions.find((c) => c.type === 'Stalled')?.reason === 'NeedsRecreation', 30_000, 'NeedsRecreation');
    expect(s?.currentState).toBe('Blocked');
    const message = s?.conditions.find((c) => c.type === 'Stalled')?.message;
    expect(message).toContain(`StatefulSet ${ns}/${stsB}`);
    expect(message).toContain('vol-0: storage 1Gi -> 5Gi');
    expect(message).toContain(`kubectl delete statefulset ${stsB} -n ${ns} --cascade=orphan`);
    // The rest of the change (the image) still reaches the StatefulSet; its claim templates stay.
    type StatefulSet = { spec: { template: { spec: { containers: { image: string }[] } }; volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] } };
    const set = await eventually(() => kube().request<StatefulSet>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/${stsB}`),
      (v) => v.spec.template.spec.containers[0]?.image === 'rustfs/rustfs:1.2.0', 30_000, 'the new image on pool b');
    expect(set.spec.volumeClaimTemplates.map((t) => t.spec.resources.requests.storage)).toEqual(['1Gi', '1Gi']);
    await mergePatch(path(), { spec: { pools: [pool('b', 1), pool('a', 3)] } });
    await eventually(status, (v) => v?.currentState === 'Ready', 90_000, 'Ready after reverting');
  });

  it('removing a pool blocks until confirm-remove, then deletes its StatefulSet', async () => {
    await mergePatch(path(), { spec: { pools: [pool('a', 3)] } });
    const blocked = await eventually(status, (v) => v?.currentState === 'Blocked', 30_000, 'Blocked on removal');
    expect(blocked?.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'True', reason: 'PoolRemovalNeedsConfirmation' }));
    expect(await kube().getOptional(`/apis/apps/v1/namespaces/${ns}/statefulsets/${stsB}`)).toBeDefined();
    await client.workflow.getHandle(`tenant/${ns}/store`).signal(confirmRemoveSignal, 'b');
    await eventually(() => kube().getOptional(`/apis/apps/v1/namespaces/${ns}/statefulsets/${stsB}`), (s) => s === undefined, 30_000, 'pool b StatefulSet deleted');
    await eventually(status, (v) => v?.currentState === 'Ready', 30_000, 'Ready again');
  });

  /** The activities the workflow scheduled, in order, from its history event `from` on. */
  const activitiesSince = async (from: number) => ((await client.workflow.getHandle(`tenant/${ns}/store`).fetchHistory()).events ?? [])
    .slice(from).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
  const historyLength = async () => ((await client.workflow.getHandle(`tenant/${ns}/store`).fetchHistory()).events ?? []).length;

  it('a steady tenant writes nothing and runs one activity per pass: its resourceVersion stays, and no apply runs', async () => {
    const handle = client.workflow.getHandle(`tenant/${ns}/store`);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const version = async () => (await kube().request<{ metadata: { resourceVersion: string } }>('GET', path())).metadata.resourceVersion;
    const before = { version: await version(), iterations: (await handle.query(tenantStatusQuery)).iterations, events: await historyLength() };
    await eventually(() => handle.query(tenantStatusQuery), (v) => v.iterations >= before.iterations + 2, 20_000, 'two more iterations');
    expect(await version()).toBe(before.version);
    // Patch `tenant-apply-check`: the observation alone, since the cluster still shows what the last apply left.
    const activities = await activitiesSince(before.events);
    expect(activities.filter((a) => a === 'observeTenant').length).toBeGreaterThanOrEqual(2);
    expect(activities.filter((a) => a !== 'observeTenant')).toEqual([]);
  });

  it('a hand edit of a StatefulSet and a deleted Service show in the observation, and the next pass undoes them', async () => {
    type StatefulSet = { spec: { template: { spec: { containers: { image: string }[] } } } };
    const setPath = `/apis/apps/v1/namespaces/${ns}/statefulsets/${stsA}`;
    const image = async () => (await kube().request<StatefulSet>('GET', setPath)).spec.template.spec.containers[0]?.image;
    const desired = await image();
    const from = await historyLength();
    await kube().request('PATCH', setPath, {
      body: { spec: { template: { spec: { containers: [{ name: 'rustfs', image: 'rustfs/rustfs:hand-edited' }] } } } }, contentType: 'application/strategic-merge-patch+json', query: { fieldManager: 'hand-edit' },
    });
    expect(await eventually(image, (i) => i === desired, 30_000, 'the image taken back')).toBe(desired);
    const servicePath = `/api/v1/namespaces/${ns}/services/store-io`;
    await kube().request('DELETE', servicePath);
    await eventually(() => kube().getOptional(servicePath), (s) => s !== undefined, 30_000, 'the Service created again');
    expect((await activitiesSince(from)).filter((a) => a === 'applyTenant').length).toBeGreaterThanOrEqual(2);
  });
});
