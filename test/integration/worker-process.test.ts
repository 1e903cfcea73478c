import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../../stack/ports.js';
import { missingSeries, parseMetrics, type Sample } from '../support/metric-series.js';
import { FAILURE_SERIES, monitoringObjects, monitoringQueries, monitoringSelectors } from '../support/monitoring-queries.js';
import { allow, refuse } from './admission.js';
import { archiveUrl, createNamespace, eventually, kube, stack, temporalClient, uniqueName } from './support.js';
import { REPLICA_SET_OPT_IN } from '../../domain/replica-set-access.js';
import { workerNodeArgs } from '../../worker/entry-point.js';

describe('the worker process (dist/worker/main.js, the container entrypoint) under the shipped ClusterRole', () => {
  let worker: ChildProcess;
  let ns: string;
  let metricsUrl: string;
  let stderr = '';
  const taskQueue = uniqueName('process-queue');

  beforeAll(async () => {
    ns = await createNamespace('wproc');
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    worker = spawn(process.execPath, workerNodeArgs(), {
      env: {
        ...process.env, TEMPORAL_ADDRESS: stack().temporal.address, KUBECONFIG: path.join(stack().stateDir, 'worker-kubeconfig.yaml'),
        STEWARD_TASK_QUEUE: taskQueue, STEWARD_WATCH_NAMESPACE: ns, STEWARD_METRICS_ADDRESS: `127.0.0.1:${port}`, STEWARD_LOG_FORMAT: 'json',
        // The preload leaves the SDK's stack traces off by default (image-layout.test); here they are asked for.
        STEWARD_WORKFLOW_STACK_TRACES: 'on',
      },
    });
    worker.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await eventually(async () => stderr, (text) => text.includes('Steward worker running') || worker.exitCode !== null, 60_000, 'the worker to start');
    if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}: ${stderr}`);
    const pg = stack().postgres;
    if (!pg || pg.external) throw new Error('needs the local PostgreSQL cluster');
    const apply = (kind: string, plural: string, name: string, spec: unknown, group = 'stellar.org/v1alpha1') =>
      kube().apply(`/apis/${group}/namespaces/${ns}/${plural}/${name}`, { apiVersion: group, kind, metadata: { name, namespace: ns }, spec });
    await apply('ReadOnlyPool', 'readonlypools', 'p', { network: 'Testnet', minReplicas: 2, targetReplicas: 2, historyArchiveUrls: [archiveUrl('testnet')], loadBalancing: { updateIntervalSeconds: 1 } });
    await apply('Tenant', 'tenants', 't', { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] }, 'rustfs.com/v1alpha1');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/pg`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg', namespace: ns, annotations: { [REPLICA_SET_OPT_IN]: 'db' } }, stringData: { username: pg.user, password: pg.password } });
    await apply('PostgresReplicaSet', 'postgresreplicasets', 'db', {
      primary: { host: pg.primary.host, port: pg.primary.port }, replicas: pg.replicas.map((r) => ({ host: r.host, port: r.port })), credentialsSecretRef: { name: 'pg' }, healthCheckIntervalSeconds: 1,
    });
    // An admission policy forbids labelling pool q's pods: its apply fails at once (403, not retried) and the
    // SDK logs "Activity failed" with the API's message.
    await refuse({ name: `${ns}-q-frozen`, namespace: ns, resource: 'pods', apiGroup: '', reason: 'Forbidden', message: 'pods of q are frozen',
      expression: "!has(object.metadata.labels) || !('stellar.org/pool' in object.metadata.labels) || object.metadata.labels['stellar.org/pool'] != 'q'" });
    await apply('ReadOnlyPool', 'readonlypools', 'q', { network: 'Testnet', minReplicas: 1, targetReplicas: 1, historyArchiveUrls: [archiveUrl('testnet')], loadBalancing: { updateIntervalSeconds: 1 } });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    const client = await temporalClient();
    for (const id of [`readonlypool/${ns}/p`, `tenant/${ns}/t`, `postgres-replicas/${ns}/db`, `readonlypool/${ns}/q`]) await client.workflow.getHandle(id).terminate().catch(() => undefined);
    await allow(`${ns}-q-frozen`).catch(() => undefined);
    await client.connection.close();
  });

  it('serves the Temporal SDK metrics and Steward\'s own: lag, fresh replicas, pool states, replica health, reconcile time', async () => {
    const ours = (s: Sample) => s.labels.resource_namespace === ns;
    const samples = await eventually(async () => parseMetrics(await (await fetch(metricsUrl)).text()),
      (all) => all.some((s) => s.name === 'steward_pool_fresh_replicas' && ours(s) && s.labels.resource === 'p' && s.value === 2)
        && all.some((s) => s.name === 'steward_tenant_pool_state' && ours(s) && s.labels.state === 'PoolRolloutComplete' && s.value === 1)
        && all.filter((s) => s.name === 'steward_db_replica_healthy' && ours(s) && s.value === 1).length === 2,
      90_000, 'metrics of the pool, the tenant and the replica set');
    // Pool p's replicas (pool q, whose pod labels are refused, still observes and may report its replica too).
    const lag = samples.filter((s) => s.name === 'steward_replica_lag_ledgers' && ours(s) && s.labels.resource === 'p');
    expect(lag.map((s) => s.labels.replica).sort()).toEqual(['p-0', 'p-1']);
    expect(lag.every((s) => s.value >= 0 && s.value < 20)).toBe(true);
    expect(samples.find((s) => s.name === 'steward_pool_replicas' && ours(s) && s.labels.resource === 'p')?.value).toBe(2);
    expect(samples.find((s) => s.name === 'steward_tenant_pool_state' && ours(s) && s.labels.state === 'PoolRolloutFailed')?.value).toBe(0);
    const reconciles = samples.filter((s) => s.name === 'steward_reconcile_duration_count' && s.labels.taskQueue === taskQueue);
    expect(new Set(reconciles.map((s) => s.labels.kind))).toEqual(new Set(['readonlypool', 'tenant', 'postgres-replicas']));
    // The SDK's own metrics come from the same endpoint.
    expect(samples.some((s) => s.name.startsWith('temporal_') && s.labels.task_queue === taskQueue)).toBe(true);
  });

  it('serves the series born of a failure that the chart\'s alerts and dashboard read, with their labels (pool q\'s refused apply)', async () => {
    const selectors = monitoringSelectors(monitoringQueries(monitoringObjects())).filter((s) => FAILURE_SERIES.has(s.metric));
    expect(selectors.length).toBeGreaterThan(0);
    const samples = await eventually(async () => parseMetrics(await (await fetch(metricsUrl)).text()),
      (all) => all.some((s) => FAILURE_SERIES.has(s.name) && s.labels.task_queue === taskQueue), 60_000, 'a failed activity counted');
    const ours = samples.filter((s) => s.labels.task_queue === taskQueue);
    expect(selectors.map((s) => ({ source: s.source, missing: missingSeries(s, ours) }))).toEqual(selectors.map((s) => ({ source: s.source, missing: undefined })));
  });

  it('answers the Web UI\'s stack-trace query when STEWARD_WORKFLOW_STACK_TRACES=on', async () => {
    const client = await temporalClient();
    const stackTrace = await eventually(() => client.workflow.getHandle(`readonlypool/${ns}/p`).query<string>('__stack_trace'),
      (trace) => trace.includes('runReconcileLoop'), 30_000, 'a stack trace through the reconcile loop').finally(() => client.connection.close());
    expect(stackTrace).toMatch(/at runReconcileLoop \(.*workflows\/reconcile-loop\.ts:\d+:\d+\)/);
    expect(stderr).toContain('"workflowStackTraces":"on"');
  });

  it('writes only JSON lines on stderr, the Temporal core\'s included; activity lines name the workflow; failures keep the error, never the task token', async () => {
    await eventually(async () => stderr, (text) => text.includes('"message":"Activity failed"') && text.includes(`readonlypool/${ns}/q`), 60_000, 'an Activity failed line');
    const lines = stderr.split('\n').filter(Boolean);
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    expect(parsed.every((entry) => typeof entry.time === 'string' && typeof entry.level === 'string' && typeof entry.message === 'string')).toBe(true);
    expect(lines.filter((line) => line.includes('taskToken'))).toEqual([]);
    // The core's own lines come through the same logger (forwarded), not as ANSI text of their own.
    expect(parsed.some((entry) => entry.sdkComponent === 'core')).toBe(true);
    const failed = parsed.find((entry) => entry.message === 'Activity failed' && entry.workflowId === `readonlypool/${ns}/q`);
    expect(failed).toEqual(expect.objectContaining({ level: 'warn', activityType: 'applyPool', error: expect.objectContaining({ message: expect.stringContaining('pods of q are frozen') }) }));
    const applied = parsed.find((entry) => String(entry.message).startsWith('applied StatefulSet') && entry.workflowId === `readonlypool/${ns}/p`);
    expect(applied).toEqual(expect.objectContaining({ level: 'info', activityType: 'applyPool', taskQueue }));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
