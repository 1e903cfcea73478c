import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TASK_QUEUE } from '../../domain/names.js';
import { networkSlug } from '../../domain/network.js';
import { STOPPED_ANNOTATION } from '../../domain/stop-mark.js';
import { localSeed } from '../../stack/local-seeds.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { createWorker } from '../../worker/worker.js';
import { createNamespace, eventually, kube, mergePatch, stack, temporalClient, uniqueName, workerKube } from './support.js';
import { REPLICA_SET_OPT_IN } from '../../domain/replica-set-access.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'bin', 'steward.js');

function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TEMPORAL_ADDRESS: stack().temporal.address, KUBECONFIG: stack().kube?.kubeconfigPath, STEWARD_STACK: 'none', ...env };
}

function steward(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: cliEnv(env), timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

/** Runs `steward status ...` until its output matches (views fill in at the end of an iteration). */
async function statusUntil(args: string[], pattern: RegExp): Promise<{ code: number; out: string; err: string }> {
  let result = await steward(['status', ...args]);
  for (let i = 0; i < 60 && !pattern.test(result.out); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    result = await steward(['status', ...args]);
  }
  return result;
}

describe('the steward CLI against the local stack', () => {
  let stopWorker: () => Promise<void>;
  let ns: string;
  let network: string;

  beforeAll(async () => {
    const { address, namespace } = stack().temporal;
    const worker = await createWorker({ address, namespace, connection: { address } }, { kube: workerKube() }, TASK_QUEUE);
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
    };
    ns = await createNamespace('cli');
    network = `CLI Test Network ; ${ns}`;
    const apply = (kind: string, plural: string, name: string, spec: unknown, group = 'stellar.org/v1alpha1') =>
      kube().apply(`/apis/${group}/namespaces/${ns}/${plural}/${name}`, { apiVersion: group, kind, metadata: { name, namespace: ns }, spec });
    await apply('ReadOnlyPool', 'readonlypools', 'p', { network: 'Testnet', minReplicas: 1, targetReplicas: 1, loadBalancing: { updateIntervalSeconds: 1 } });
    await apply('Tenant', 'tenants', 't', { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] }, 'rustfs.com/v1alpha1');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: { seed: localSeed('stellar-steward cli test v') } });
    await apply('StellarNode', 'stellarnodes', 'v', { nodeType: 'Validator', network, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: 'seed' } } });
    const pg = stack().postgres;
    if (!pg || pg.external) throw new Error('needs the local PostgreSQL cluster');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/pg`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg', namespace: ns, annotations: { [REPLICA_SET_OPT_IN]: 'db' } }, stringData: { username: pg.user, password: pg.password } });
    await apply('PostgresReplicaSet', 'postgresreplicasets', 'db', {
      primary: { host: pg.primary.host, port: pg.primary.port }, replicas: pg.replicas.map((r) => ({ host: r.host, port: r.port })),
      credentialsSecretRef: { name: 'pg' }, healthCheckIntervalSeconds: 2,
    });
  });
  afterAll(async () => {
    const client = await temporalClient();
    for (const id of [`readonlypool/${ns}/p`, `tenant/${ns}/t`, `postgres-replicas/${ns}/db`, `validator-set/${networkSlug(network)}`]) {
      await client.workflow.getHandle(id).terminate().catch(() => undefined);
    }
    await client.connection.close();
    await stopWorker?.();
  });

  it('start, status, signal, list and stop a pool workflow, each printing its Web UI link', async () => {
    const start = await steward(['start', 'pool', `${ns}/p`]);
    expect(start).toEqual(expect.objectContaining({ code: 0 }));
    expect(start.out).toContain(`workflow readonlypool/${ns}/p running`);
    expect(start.out).toContain(`/workflows/${encodeURIComponent(`readonlypool/${ns}/p`)}`);

    const status = await statusUntil(['pool', `${ns}/p`], new RegExp(`pool ${ns}/p \\(reconciling\\): 1 replicas`));
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/REPLICA\s+FRESH\s+WEIGHT\s+LEDGER\s+LAG\s+SERVING\s+SHARDS\s+REASON/);
    expect(status.out).toContain('Web UI: ');
    const json = JSON.parse((await steward(['status', 'pool', `${ns}/p`, '--json'])).out) as { namespace: string; iterations: number };
    expect(json.namespace).toBe(ns);
    expect(json.iterations).toBeGreaterThan(0);

    const rebalance = await steward(['signal', 'rebalance', 'pool', `${ns}/p`]);
    expect(rebalance.code).toBe(0);
    expect(rebalance.out).toContain(`signalled rebalance to readonlypool/${ns}/p`);
    const client = await temporalClient();
    const found: string[] = [];
    for await (const w of client.workflow.list({ query: `StewardKind = 'readonlypool' AND StewardNamespace = '${ns}' AND StewardName = 'p'` })) found.push(w.workflowId);
    await client.connection.close();
    expect(found).toEqual([`readonlypool/${ns}/p`]);
    expect((await steward(['list'])).out).toMatch(new RegExp(`readonlypool/${ns}/p\\s+pool\\s+\\d{4}-`));
    const stop = await steward(['stop', 'pool', `${ns}/p`]);
    expect(stop.code).toBe(0);
    expect(stop.out).toContain(`stopped readonlypool/${ns}/p`);
    expect(stop.out).toContain(`marked ReadOnlyPool ${ns}/p with ${STOPPED_ANNOTATION}=true`);
    const after = await steward(['status', 'pool', `${ns}/p`]);
    expect(after.code).toBe(3);
    expect(after.err).toContain('is not running');
  });

  it('stop sticks: the watches neither relist nor a change restart a stopped pool; start removes the mark and runs it', async () => {
    const poolPath = (name: string) => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/${name}`;
    const annotations = async (path: string) => (await kube().request<{ metadata: { annotations?: Record<string, string> } }>('GET', path)).metadata.annotations ?? {};
    // The first test stopped p: the mark is on the resource.
    expect((await annotations(poolPath('p')))[STOPPED_ANNOTATION]).toBe('true');
    const client = await temporalClient();
    const running = async (id: string) => (await client.workflow.getHandle(id).describe().catch(() => undefined))?.status.name === 'RUNNING';
    const probeQueue = uniqueName('stop-probe');
    const witnesses: string[] = [];
    // A pool without the mark, created after `name` changed, is started by the same watch: once its
    // workflow exists, the watch has handled everything before it in the stream, p's events included.
    const witness = async () => {
      const name = `w${witnesses.length}`;
      witnesses.push(`readonlypool/${ns}/${name}`);
      await kube().apply(poolPath(name), { apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace: ns }, spec: { network: 'Testnet', minReplicas: 1, targetReplicas: 1 } });
      await eventually(() => running(`readonlypool/${ns}/${name}`), (v) => v, 30_000, `the watch starting ${name}`);
    };
    // The trigger starts on a task queue no worker polls: a wrongly started workflow shows as RUNNING.
    let stopTrigger = startPoolTrigger(workerKube(), client, { namespaces: [ns], taskQueue: probeQueue, log: () => undefined });
    try {
      await witness();
      expect(await running(`readonlypool/${ns}/p`)).toBe(false);
      // A change of the pool, then a relist (the trigger restarted, as after a worker restart).
      await mergePatch(poolPath('p'), { metadata: { labels: { touched: 'yes' } } });
      await witness();
      expect(await running(`readonlypool/${ns}/p`)).toBe(false);
      stopTrigger();
      stopTrigger = startPoolTrigger(workerKube(), client, { namespaces: [ns], taskQueue: probeQueue, log: () => undefined });
      await witness();
      expect(await running(`readonlypool/${ns}/p`)).toBe(false);
      // The probe trigger would start p on its own queue as soon as the mark goes: stop it first.
      stopTrigger();

      const start = await steward(['start', 'pool', `${ns}/p`]);
      expect(start.code).toBe(0);
      expect(start.out).toContain(`removed the stop mark (${STOPPED_ANNOTATION}) from ReadOnlyPool ${ns}/p`);
      expect(await annotations(poolPath('p'))).not.toHaveProperty([STOPPED_ANNOTATION]);
      const described = await client.workflow.getHandle(`readonlypool/${ns}/p`).describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.taskQueue).toBe(TASK_QUEUE);
    } finally {
      stopTrigger();
      for (const id of witnesses) await client.workflow.getHandle(id).terminate().catch(() => undefined);
      for (const id of witnesses) await kube().delete(poolPath(id.split('/')[2] ?? ''));
      await client.connection.close();
    }
  });

  it('stop on a validator set marks every StellarNode of its network, even when its workflow is not running; start removes the marks', async () => {
    const nodePath = `/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v`;
    const mark = async () => (await kube().request<{ metadata: { annotations?: Record<string, string> } }>('GET', nodePath)).metadata.annotations?.[STOPPED_ANNOTATION];
    const stop = await steward(['stop', 'validators', network]);
    expect(stop.code).toBe(0);
    expect(stop.out).toContain(`workflow validator-set/${networkSlug(network)} was not running`);
    expect(stop.out).toContain(`marked StellarNode ${ns}/v with ${STOPPED_ANNOTATION}=true`);
    expect(await mark()).toBe('true');
    const all = await steward(['start', '--all', '--namespace', ns]);
    expect(all.out).toContain(`skipped validators ${network}: stopped with steward stop`);
    expect((await steward(['start', 'validators', network])).code).toBe(0);
    expect(await mark()).toBeUndefined();
  });

  it('with STEWARD_WATCH_NAMESPACES, start of a validator set sees only the StellarNodes in those namespaces, as the worker does', async () => {
    const elsewhere = await steward(['start', 'validators', network], { STEWARD_WATCH_NAMESPACES: `${ns}-elsewhere` });
    expect(elsewhere.err).toContain(`no StellarNode on network ${network}`);
    expect(elsewhere.err).toContain(`(namespaces ${ns}-elsewhere, STEWARD_WATCH_NAMESPACES): create a validator first`);
    expect(elsewhere.code).toBe(3);
    expect((await steward(['start', 'validators', network], { STEWARD_WATCH_NAMESPACES: `${ns}-elsewhere,${ns}` })).code).toBe(0);
  });

  it('start and list use STEWARD_TASK_QUEUE as the worker does', async () => {
    const queue = `cli-queue-${ns}`;
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/q`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'q', namespace: ns }, spec: { network: 'Testnet', minReplicas: 1, targetReplicas: 1 },
    });
    const client = await temporalClient();
    try {
      expect((await steward(['start', 'pool', `${ns}/q`], { STEWARD_TASK_QUEUE: queue })).code).toBe(0);
      const described = await client.workflow.getHandle(`readonlypool/${ns}/q`).describe();
      expect(described.taskQueue).toBe(queue);
      expect((await steward(['list'], { STEWARD_TASK_QUEUE: queue })).out).toMatch(new RegExp(`readonlypool/${ns}/q\\s+pool`));
      expect((await steward(['list'])).out).not.toContain(`readonlypool/${ns}/q`);
    } finally {
      await client.workflow.getHandle(`readonlypool/${ns}/q`).terminate().catch(() => undefined);
      await client.connection.close();
      await kube().delete(`/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/q`);
    }
  });

  it('start --all starts every kind found in the namespace; status shows each as a table and all as one', async () => {
    const all = await steward(['start', '--all', '--namespace', ns]);
    expect(all.code).toBe(0);
    const ids = [`readonlypool/${ns}/p`, `tenant/${ns}/t`, `postgres-replicas/${ns}/db`, `validator-set/${networkSlug(network)}`];
    for (const id of ids) expect(all.out).toContain(`workflow ${id} running`);
    expect(all.out).toContain('4 workflows running');

    const tenant = await statusUntil(['tenant', `${ns}/t`], /POOL\s+STATE[\s\S]*\ba\s+Pool\w+\s+\d\/1/);
    expect(tenant.code).toBe(0);
    expect(tenant.out).toContain(`tenant ${ns}/t:`);
    const replicas = await statusUntil(['replicas', `${ns}/db`], /2\/2 healthy/);
    expect(replicas.out).toMatch(/REPLICA\s+HEALTHY\s+LAG BYTES/);
    expect(replicas.out).toMatch(/127\.0\.0\.1:\d+\s+yes/);
    const validators = await statusUntil(['validators', network], new RegExp(`${ns}/v`));
    expect(validators.out).toMatch(/validator set .*: 1 peers/);
    expect(validators.out).toMatch(/VALIDATOR\s+PEERS TOLD\s+PENDING/);

    const overview = await statusUntil([], new RegExp(`postgres-replicas/${ns}/db\\s+2/2 healthy`));
    expect(overview.code).toBe(0);
    expect(overview.out).toMatch(new RegExp(`readonlypool/${ns}/p\\s+1 replicas`));
    expect(overview.out).toMatch(new RegExp(`tenant/${ns}/t\\s+\\w+; a Pool`));
    const overviewJson = JSON.parse((await steward(['status', '--json'])).out) as { workflowId: string; kind: string }[];
    expect(overviewJson).toEqual(expect.arrayContaining(ids.map((workflowId) => expect.objectContaining({ workflowId }))));
  });

  it('signals each kind with the signals it defines, and refuses the others', async () => {
    expect((await steward(['signal', 'check-now', 'replicas', `${ns}/db`])).code).toBe(0);
    expect((await steward(['signal', 'resync', 'validators', network])).code).toBe(0);
    const confirm = await steward(['signal', 'confirm-remove', 'tenant', `${ns}/t`, 'old-pool']);
    expect(confirm.code).toBe(0);
    expect(confirm.out).toContain(`signalled confirm-remove old-pool to tenant/${ns}/t`);
    const wrong = await steward(['signal', 'rebalance', 'tenant', `${ns}/t`]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('a tenant workflow takes the signals confirm-remove, resource-changed');
    const noPool = await steward(['signal', 'confirm-remove', 'tenant', `${ns}/t`]);
    expect(noPool.code).toBe(2);
    expect(noPool.err).toContain('signal confirm-remove needs a pool');
  });

  it('status --watch redraws until interrupted, then exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'status', 'replicas', `${ns}/db`, '--watch', '--interval', '0.3'], { env: cliEnv() });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const frames = () => out.split('every 0.3 s, Ctrl-C to stop').length - 1;
    for (let i = 0; i < 100 && frames() < 3; i += 1) await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(frames()).toBeGreaterThanOrEqual(3);
    expect(out).toContain(`replica set ${ns}/db`);
  });

  it.each([
    [['status', 'pool', 'no-slash'], 2, /expected <namespace>\/<name>/],
    [['signal', 'explode', 'pool', 'a/b'], 2, /a pool workflow takes the signals rebalance, pause, resume, resource-changed; got 'explode'/],
    [['start', 'widget', 'a/b'], 2, /start needs 'pool\|tenant\|replicas <namespace>\/<name>'/],
    [['status', '--bogus'], 2, /Unknown option '--bogus'/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['worker', '--queue', 'x'], 2, /'worker' takes no arguments .*TEMPORAL_ADDRESS, KUBECONFIG/],
    [['status', 'pool', 'nowhere/none'], 3, /workflow readonlypool\/nowhere\/none is not running: start it with 'steward start pool nowhere\/none'/],
    [['start', 'pool', 'nowhere/none'], 3, /ReadOnlyPool nowhere\/none not found in the cluster at https:\/\/127\.0\.0\.1:\d+: create it first/],
    [['start', 'validators', 'Futurenet ; nobody'], 3, /no StellarNode on network Futurenet ; nobody/],
  ])('%j exits %i saying what is wrong', async (args, code, message) => {
    const result = await steward(args);
    expect(result.err).toMatch(message);
    expect(result.code).toBe(code);
  });

  it('says Temporal is unreachable and what to do, with exit code 1', async () => {
    const result = await steward(['list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot reach Temporal at 127.0.0.1:1 .*steward stack up/);
  });

  it('runs the worker, which says Temporal is unreachable and what to do, with exit code 1', async () => {
    const result = await steward(['worker'], { TEMPORAL_ADDRESS: '127.0.0.1:1', STEWARD_METRICS_PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot reach Temporal at 127.0.0.1:1 .*set TEMPORAL_ADDRESS/);
  });

  it('says Kubernetes is unreachable and what to do, with exit code 1', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'steward-cli-')), 'kubeconfig');
    fs.writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'x',
      clusters: [{ name: 'x', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'x', user: { token: 'none' } }], contexts: [{ name: 'x', context: { cluster: 'x', user: 'x' } }],
    }));
    const result = await steward(['start', 'pool', `${ns}/p`], { KUBECONFIG: file });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot reach Kubernetes at https:\/\/127\.0\.0\.1:1 .*set KUBECONFIG/);
  });
});
