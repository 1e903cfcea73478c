import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { networkSlug } from '../../domain/network.js';
import { buildImage, podmanProblem, runImage, type ImageBuild, type ImageRun } from '../../stack/image/index.js';
import { REPO_ROOT } from '../../stack/image/build.js';
import { runCommand } from '../../stack/image/command.js';
import { podman, podmanEnv } from '../../stack/image/podman.js';
import { localSeed } from '../../stack/local-seeds.js';
import { binDir } from '../../stack/paths.js';
import { freePort } from '../../stack/ports.js';
import { archiveUrl, createNamespace, eventually, kube, setScenario, stack, temporalClient, uniqueName } from './support.js';

// The worker image built for real (podman, from the unchanged Dockerfile, on a local stand-in for its base
// image) and run as deploy/deployment.yaml runs it, against the suite stack on loopback. Skipped only when
// podman cannot run containers on this machine (podmanProblem says why).
const problem = await podmanProblem();
if (problem) process.stderr.write(`[image.test] SKIPPED: ${problem}\n`);
const describeWithPodman = problem ? describe.skip : describe;

/** A cold build (debootstrap, npm install, tsc) took about 10 minutes on 2 busy cores. */
const BUILD_TIMEOUT_MS = 40 * 60_000;

interface LogLine {
  message?: string;
  activityType?: string;
  activityId?: string;
  workflowId?: string;
  workflowRunId?: string;
  isLocal?: boolean;
}

/** The worker's JSON log lines (other lines, such as podman's own, are skipped). */
function logLines(text: string): LogLine[] {
  return text.split('\n').filter((line) => line.startsWith('{')).map((line) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      return {};
    }
  });
}

/** Prometheus samples `name{labels} value`. */
function samples(text: string): { name: string; labels: string; value: number }[] {
  return [...text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/gm)].map(([, name = '', labels = '', value = '']) => ({ name, labels, value: Number(value) }));
}

/** What the final image holds, listed by its own Node.js as root (package names, test files, npm caches and configs). */
const INVENTORY = `
const fs = require('fs'), path = require('path');
const modules = fs.readdirSync('/app/node_modules').flatMap((n) => n.startsWith('@') ? fs.readdirSync('/app/node_modules/' + n).map((m) => n + '/' + m) : [n]);
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
const found = (dirs, test) => dirs.filter((d) => fs.existsSync(d)).flatMap((d) => walk(d)).filter(test);
console.log(JSON.stringify({
  modules,
  testFiles: found(['/app/dist', '/app/bin', '/app/crds'], (f) => /\\.test\\.js$/.test(f)),
  npmCaches: ['/root/.npm', '/home/node/.npm', '/tmp'].filter((d) => fs.existsSync(d) && fs.readdirSync(d).length > 0),
  npmConfigs: found(['/root', '/home/node', '/usr/local/etc', '/app', '/etc'], (f) => path.basename(f) === '.npmrc' || path.basename(f) === 'npmrc'),
}));`;

describeWithPodman(`the worker image, built with podman from the unchanged Dockerfile${problem ? ` (SKIPPED: ${problem})` : ''}`, () => {
  let built: ImageBuild;

  beforeAll(async () => {
    // Straight to stderr: jest's console adds a stack frame to every line.
    // `npm run setup` built the image (and its base) with the registry; this rebuild reuses its npm install layer.
    built = await buildImage((line) => process.stderr.write(`[image.test] ${line}\n`), { offline: true });
    process.stderr.write(`[image.test] image ${built.image}: ${(built.sizeBytes / 1e6).toFixed(0)} MB, built in ${built.seconds.toFixed(1)} s\n`);
  }, BUILD_TIMEOUT_MS);

  it('holds no devDependencies, no test files, no npm cache and no npm configuration', async () => {
    const inventory = JSON.parse(await podman(['run', '--rm', '--network=none', '--user=0', '--entrypoint', 'node', built.image, '-e', INVENTORY])) as
      { modules: string[]; testFiles: string[]; npmCaches: string[]; npmConfigs: string[] };
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    // @types/* may stay: production packages (the Kubernetes client) depend on @types/node.
    const tools = Object.keys(pkg.devDependencies).filter((name) => !name.startsWith('@types/'));
    expect(tools).toEqual(expect.arrayContaining(['jest', 'typescript', 'eslint']));
    expect(inventory.modules).toEqual(expect.arrayContaining(Object.keys(pkg.dependencies)));
    expect(inventory.modules.filter((name) => tools.includes(name))).toEqual([]);
    expect(inventory.testFiles).toEqual([]);
    expect(inventory.npmCaches).toEqual([]);
    expect(inventory.npmConfigs).toEqual([]);
  });

  describe('run as the Deployment runs it (uid 1000, read-only root, the ServiceAccount token mounted)', () => {
    let run: ImageRun;
    let stderr = '';
    let ns: string;
    let metricsUrl: string;
    let slug: string;
    const taskQueue = uniqueName('image-queue');

    beforeAll(async () => {
      ns = await createNamespace('img');
      slug = networkSlug(`Image Test Network ; ${ns}`);
      const port = await freePort();
      metricsUrl = `http://127.0.0.1:${port}/metrics`;
      // DEBUG: the SDK's "Activity started" and "Activity completed" lines, which the SIGTERM test reads.
      run = await runImage({ stack: stack(), name: uniqueName('steward-image-test'), env: {
        STEWARD_TASK_QUEUE: taskQueue, STEWARD_WATCH_NAMESPACE: ns, STEWARD_METRICS_ADDRESS: `127.0.0.1:${port}`, STEWARD_LOG_LEVEL: 'DEBUG',
      } });
      run.process.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await eventually(async () => stderr, (text) => text.includes('Steward worker running') || run.process.exitCode !== null, 120_000, 'the containerized worker to start');
      if (run.process.exitCode !== null) throw new Error(`the worker container exited with ${run.process.exitCode}: ${stderr.slice(-2000)}`);
    }, 180_000);

    afterAll(async () => {
      await run?.stop('KILL');
      await run?.remove();
      const client = await temporalClient();
      for (const id of [`readonlypool/${ns}/p`, `tenant/${ns}/t`, `postgres-replicas/${ns}/db`, `validator-set/${slug}`]) {
        await client.workflow.getHandle(id).terminate().catch(() => undefined);
      }
      await client.connection.close();
    });

    it('reconciles a pool, two validators, a tenant and a replica set, and serves /metrics', async () => {
      const pg = stack().postgres;
      if (!pg || pg.external) throw new Error('needs the local PostgreSQL cluster');
      const apply = (kind: string, plural: string, name: string, spec: unknown, group = 'stellar.org/v1alpha1') =>
        kube().apply(`/apis/${group}/namespaces/${ns}/${plural}/${name}`, { apiVersion: group, kind, metadata: { name, namespace: ns }, spec });
      await apply('ReadOnlyPool', 'readonlypools', 'p', { network: 'Testnet', minReplicas: 2, targetReplicas: 2, historyArchiveUrls: [archiveUrl('testnet')], loadBalancing: { updateIntervalSeconds: 1 } });
      await apply('Tenant', 'tenants', 't', { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] }, 'rustfs.com/v1alpha1');
      await kube().apply(`/api/v1/namespaces/${ns}/secrets/pg`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg', namespace: ns }, stringData: { username: pg.user, password: pg.password } });
      await apply('PostgresReplicaSet', 'postgresreplicasets', 'db', {
        primary: { host: pg.primary.host, port: pg.primary.port }, replicas: pg.replicas.map((r) => ({ host: r.host, port: r.port })), credentialsSecretRef: { name: 'pg' }, healthCheckIntervalSeconds: 1,
      });
      const seeds = { v1: localSeed(`image test ${ns} v1`), v2: localSeed(`image test ${ns} v2`) };
      await kube().apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: seeds });
      for (const name of Object.keys(seeds)) {
        await apply('StellarNode', 'stellarnodes', name, { nodeType: 'Validator', network: `Image Test Network ; ${ns}`, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: name } } });
      }

      const ours = (labels: string) => labels.includes(`resource_namespace="${ns}"`);
      const metrics = await eventually(async () => samples(await (await fetch(metricsUrl)).text()),
        (all) => all.some((s) => s.name === 'steward_pool_fresh_replicas' && ours(s.labels) && s.labels.includes('resource="p"') && s.value === 2)
          && all.some((s) => s.name === 'steward_tenant_pool_state' && ours(s.labels) && s.labels.includes('state="PoolRolloutComplete"') && s.value === 1)
          && all.filter((s) => s.name === 'steward_db_replica_healthy' && ours(s.labels) && s.value === 1).length === pg.replicas.length,
        120_000, `/metrics of pool p, tenant t and replica set db in ${ns} (worker log: ${stderr.slice(-1000)})`);
      // The SDK's own metrics come from the same endpoint, for this worker's task queue.
      expect(metrics.some((s) => s.name.startsWith('temporal_') && s.labels.includes(`task_queue="${taskQueue}"`))).toBe(true);
      // And the worker's own Kubernetes API requests, by verb and resource (its applies of pool objects among them).
      expect(metrics.some((s) => s.name.startsWith('steward_kube_requests') && s.labels.includes('verb="APPLY"') && s.labels.includes('resource="statefulsets"') && s.value > 0)).toBe(true);
      const tenant = await kube().request<{ status?: { currentState?: string } }>('GET', `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`);
      expect(tenant.status?.currentState).toBe('Ready');
      const dns = (name: string) => `${name}-0.${name}-hl.${ns}.svc.cluster.local`;
      const peers = await eventually(() => kube().request<{ data?: Record<string, string> }>('GET', '/api/v1/namespaces/stellar-system/configmaps/stellar-peers'),
        (c) => ['v1', 'v2'].every((name) => (c.data?.[`peers-${slug}.txt`] ?? '').includes(dns(name))), 90_000, 'both validators in the shared peers ConfigMap');
      expect(peers.data?.[`peers-${slug}.txt`]).toContain(dns('v1'));
      const config = await eventually(() => kube().request<{ data?: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/configmaps/v1-config`),
        (c) => (c.data?.['stellar-core.cfg'] ?? '').includes(`${dns('v2')}:11625`), 60_000, 'v1\'s config naming v2 as a known peer');
      expect(config.data?.['stellar-core.cfg']).toContain('NODE_IS_VALIDATOR=true');
      const client = await temporalClient();
      const described = await client.workflow.getHandle(`readonlypool/${ns}/p`).describe();
      await client.connection.close();
      expect(described.taskQueue).toBe(taskQueue); // this container's worker, not another test's
    });

    it('exits 0 on SIGTERM to PID 1 once the activity in flight has finished', async () => {
      const pid = Number((await podman(['inspect', '--format', '{{.State.Pid}}', run.container])).trim());
      // Replicas that answer after the probe's 2 s deadline: each pool observation is in flight for about 2 s.
      for (const pod of ['p-0', 'p-1']) await setScenario(ns, pod, 'slow:2500');
      const mark = stderr.length;
      // An observation as a regular activity (a steady pass's local one cannot finish in its 2 s with these
      // replicas, so the pass falls back to the activity), whose result Temporal records.
      const observing = (l: LogLine): boolean =>
        l.message === 'Activity started' && (l.activityType === 'observePool' || l.activityType === 'observePoolLean') && l.isLocal !== true && l.workflowId === `readonlypool/${ns}/p`;
      // SIGTERM as soon as the start is logged (the same tick as the log chunk arrives), so the signal lands
      // while the observation is in flight: its end must then be logged after the signal.
      let inFlight: LogLine | undefined;
      let signalledAt = 0;
      const signalOnStart = (): void => {
        if (inFlight) return;
        inFlight = logLines(stderr.slice(mark)).find(observing);
        if (!inFlight) return;
        signalledAt = stderr.length;
        process.kill(pid, 'SIGTERM');
      };
      run.process.stderr?.on('data', signalOnStart);
      await eventually(async () => inFlight, (line) => line !== undefined, 60_000, 'a pool observation activity to start');
      expect(await run.exited).toBe(0);

      const sameActivity = (l: LogLine): boolean => l.activityId === inFlight?.activityId && l.workflowRunId === inFlight?.workflowRunId;
      expect(logLines(stderr.slice(mark, signalledAt)).filter(sameActivity).map((l) => l.message)).not.toContain('Activity completed');
      expect(logLines(stderr.slice(signalledAt)).filter(sameActivity).map((l) => l.message)).toContain('Activity completed');
      // Temporal recorded the activity's result: the worker reported it before it exited.
      const client = await temporalClient();
      const history = await client.workflow.getHandle(inFlight?.workflowId ?? '', inFlight?.workflowRunId).fetchHistory();
      await client.connection.close();
      const scheduled = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityId === inFlight?.activityId);
      const closed = history.events?.find((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString()
        || e.activityTaskFailedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString()
        || e.activityTaskTimedOutEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
      expect(scheduled).toBeDefined();
      expect(closed?.activityTaskCompletedEventAttributes).toBeTruthy();
    });
  });

  describe('docker-compose.yml', () => {
    let kubeconfig: string;
    let container: string | undefined;
    let ns: string;

    beforeAll(async () => {
      // The worker kubeconfig of the suite is root's (0600); the image runs as `node`, as compose runs it.
      kubeconfig = path.join(stack().stateDir, 'image-compose-kubeconfig.yaml');
      fs.copyFileSync(path.join(stack().stateDir, 'worker-kubeconfig.yaml'), kubeconfig);
      fs.chmodSync(kubeconfig, 0o644);
      ns = await createNamespace('compose');
    });

    afterAll(async () => {
      if (container) await podman(['rm', '--force', '--ignore', container]);
      const client = await temporalClient();
      await client.workflow.getHandle(`tenant/${ns}/t`).terminate().catch(() => undefined);
      await client.connection.close();
      fs.rmSync(kubeconfig, { force: true });
    });

    it('passes `podman-compose config`, and its worker service runs from the built image against the stack\'s Temporal', async () => {
      const composeBin = path.join(binDir(), 'podman-compose');
      if (!fs.existsSync(composeBin)) throw new Error(`${composeBin} is missing: run 'npm run setup -- podman'`);
      const normalized = await runCommand(composeBin, ['-f', path.join(REPO_ROOT, 'docker-compose.yml'), 'config'], { cwd: REPO_ROOT, env: { ...podmanEnv(), KUBECONFIG_FILE: kubeconfig } });
      const worker = (YAML.parse(normalized) as { services: Record<string, { build?: { context?: string; dockerfile?: string }; environment: Record<string, string>; volumes: string[] }> }).services.worker;
      if (!worker) throw new Error('docker-compose.yml has no worker service');
      // The image compose builds is the one `steward image build` built: the same context and Dockerfile.
      expect(worker.build?.context).toBe(REPO_ROOT);
      expect(worker.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(worker.volumes).toEqual([`${kubeconfig}:/kube/config:ro`]);

      // Compose's environment and volume on the host network, with `temporal` resolving to the stack's loopback
      // address (its port is the stack's). A queue and namespace of this test's own, and metrics on a free port.
      const [, temporalPort] = stack().temporal.address.split(':');
      const env = { ...worker.environment, TEMPORAL_ADDRESS: `temporal:${temporalPort}`, STEWARD_TASK_QUEUE: uniqueName('compose-queue'), STEWARD_WATCH_NAMESPACE: ns, STEWARD_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` };
      container = uniqueName('steward-compose-test');
      const args = ['run', '--name', container, '--network=host', '--add-host=temporal:127.0.0.1',
        ...worker.volumes.flatMap((v) => ['--volume', v]), ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]), built.image];
      const child = spawn('podman', args, { env: podmanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await eventually(async () => stderr, (text) => text.includes('Steward worker running') || child.exitCode !== null, 120_000, 'the compose worker to start');
      expect({ exitCode: child.exitCode, stderr: child.exitCode === null ? '' : stderr.slice(-2000) }).toEqual({ exitCode: null, stderr: '' });

      await kube().apply(`/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`, {
        apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 't', namespace: ns },
        spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] },
      });
      const tenant = await eventually(() => kube().request<{ status?: { currentState?: string } }>('GET', `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`),
        (t) => t.status?.currentState === 'Ready', 90_000, `Tenant ${ns}/t Ready (compose worker log: ${stderr.slice(-500)})`);
      expect(tenant.status?.currentState).toBe('Ready');
      await podman(['kill', '--signal', 'TERM', container]);
      expect(await exited).toBe(0);
    });
  });
});
