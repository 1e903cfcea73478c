import type { Client } from '@temporalio/client';
import type { KubeRest } from '../../kube/rest.js';
import { validatorSetWorkflowId, workflowId } from '../../domain/names.js';
import { SERVING_LABEL } from '../../domain/pool-names.js';
import { validatorDnsName } from '../../domain/validator-peers.js';
import { isRunning, startServer, stopServer, type PostgresServer } from '../../stack/postgres.js';
import type { PostgresCluster } from '../../stack/index.js';
import {
  peersQuery, rebalanceSignal, replicaSetStatusQuery, statusQuery, tenantStatusQuery, type ReadOnlyPoolView, type ReplicaSetView,
} from '../../workflows/contract.js';
import { applyManifests, type DemoResources } from './resources.js';

/** What the scenario's steps act on. */
export interface DemoContext {
  kube: KubeRest;
  client: Client;
  resources: DemoResources;
  simulatorUrl: string;
  /** The local PostgreSQL cluster; undefined when the database is the user's own. */
  postgres?: PostgresCluster;
  /** Reports progress within a step. */
  note(message: string): void;
  /** STEWARD_CLUSTER, which prefixes the workflow IDs; none by default. */
  cluster?: string;
}

/** One step: what happens, where to look, and how it is observed. */
export interface DemoStep {
  title: string;
  /** Where to look in the Web UI or with kubectl. */
  look: string;
  timeoutMs: number;
  /** Acts, then waits until the effect is observed; resolves with what was seen. */
  run(ctx: DemoContext): Promise<string>;
}

/** Polls `read` every 500 ms until `accept`; throws with the last value's description after `timeoutMs`. */
export async function until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, describe: (value: T | undefined) => string = (v) => JSON.stringify(v)): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} not seen within ${timeoutMs / 1000} s; last seen: ${describe(last)}${lastError ? `; last error: ${lastError}` : ''}`);
}

const poolId = (ctx: DemoContext): string => workflowId('readonlypool', { namespace: ctx.resources.namespace, name: ctx.resources.pool.metadata.name }, ctx.cluster);
const poolView = (ctx: DemoContext): Promise<ReadOnlyPoolView> => ctx.client.workflow.getHandle(poolId(ctx)).query(statusQuery);
const replicaSetId = (ctx: DemoContext): string => workflowId('postgres-replicas', { namespace: ctx.resources.namespace, name: ctx.resources.replicaSet.metadata.name }, ctx.cluster);
const replicaSetView = (ctx: DemoContext): Promise<ReplicaSetView> => ctx.client.workflow.getHandle(replicaSetId(ctx)).query(replicaSetStatusQuery);
const describePool = (v: ReadOnlyPoolView | undefined): string => (v ? `${v.replicas ?? '?'} replicas, ${v.fresh} fresh: ${v.replicaViews.map((r) => `${r.replica} ${r.fresh ? 'fresh' : r.reason} w${r.weight} shards[${r.shards.join(',')}]`).join('; ')}` : 'no answer');

async function setScenario(ctx: DemoContext, pod: string, scenario: string): Promise<void> {
  await ctx.kube.request('PATCH', `/api/v1/namespaces/${ctx.resources.namespace}/pods/${pod}`, {
    body: { metadata: { annotations: { 'sim.stellar.org/scenario': scenario } } }, contentType: 'application/merge-patch+json',
  });
}

async function servingPods(ctx: DemoContext): Promise<string[]> {
  const list = await ctx.kube.request<{ items: { metadata: { name: string } }[] }>('GET', `/api/v1/namespaces/${ctx.resources.namespace}/pods`, {
    query: { labelSelector: `stellar.org/pool=${ctx.resources.pool.metadata.name},${SERVING_LABEL}=true` },
  });
  return list.items.map((p) => p.metadata.name).sort();
}

/** The pods a validator's pod is connected to now, as its (simulated) stellar-core `/peers` shows them. */
async function connectedPods(ctx: DemoContext, validator: string): Promise<string[]> {
  const response = await fetch(`${ctx.simulatorUrl}/_sim/pods`);
  const pods = (await response.json()) as { pod: string; peers: string[] }[];
  return pods.find((p) => p.pod === `${ctx.resources.namespace}/${validator}-0`)?.peers ?? [];
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The scripted scenario, in order. */
export function demoSteps(): DemoStep[] {
  return [
    {
      title: 'the workflows start and settle',
      look: 'Web UI: the list shows one workflow per resource; filter with StewardKind or StewardName',
      timeoutMs: 120_000,
      async run(ctx) {
        const r = ctx.resources;
        const pool = await until('3 fresh pool replicas', () => poolView(ctx), (v) => v.fresh === 3 && v.replicas === 3, 90_000, describePool);
        ctx.note(`pool ${r.pool.metadata.name}: ${pool.fresh}/3 fresh`);
        const tenant = await until('tenant Ready', () => ctx.client.workflow.getHandle(workflowId('tenant', { namespace: r.namespace, name: r.tenant.metadata.name }, ctx.cluster)).query(tenantStatusQuery), (v) => v.status?.currentState === 'Ready', 60_000, (v) => JSON.stringify(v?.status?.pools.map((p) => [p.name, p.state])));
        ctx.note(`tenant ${r.tenant.metadata.name}: ${tenant.status?.pools.map((p) => `${p.name} ${p.state}`).join(', ')}`);
        const validators = await until('validators peered', () => ctx.client.workflow.getHandle(validatorSetWorkflowId('Testnet', ctx.cluster)).query(peersQuery),
          (v) => r.validators.every((n) => v.peers.includes(`${r.namespace}/${n.metadata.name}`)), 60_000, (v) => JSON.stringify(v?.peers));
        let db = 'the database is yours: skipped';
        if (ctx.postgres) {
          const set = await until('DB replicas healthy', () => replicaSetView(ctx), (v) => v.replicas.length > 0 && v.replicas.every((x) => x.healthy), 60_000);
          db = `${set.replicas.length}/${set.replicas.length} DB replicas healthy`;
        }
        return `pool 3/3 fresh; tenant ${tenant.status?.currentState}; ${validators.peers.length} Testnet peers; ${db}`;
      },
    },
    {
      title: 'replica testnet-pool-1 falls 100 ledgers behind: traffic leaves it',
      look: 'Web UI: readonlypool/stellar/testnet-pool, the latest observePool and applyPool activities; kubectl get rop -n stellar',
      timeoutMs: 60_000,
      async run(ctx) {
        const started = Date.now();
        const replica = `${ctx.resources.pool.metadata.name}-1`;
        await setScenario(ctx, replica, 'lagging:100');
        const view = await until(`${replica} lagging`, () => poolView(ctx), (v) => v.replicaViews.some((r) => r.replica === replica && !r.fresh && !r.serving), 45_000, describePool);
        const serving = await until(`${replica} out of the read Service`, () => servingPods(ctx), (pods) => !pods.includes(replica) && pods.length > 0, 15_000);
        const lagging = view.replicaViews.find((r) => r.replica === replica);
        return `${replica} lag ${lagging?.lag ?? '?'} ledgers, weight ${lagging?.weight ?? '?'}; the read Service now selects ${serving.join(', ')} (${seconds(started)})`;
      },
    },
    {
      title: 'testnet-pool-2 falls behind too: most replicas lag, the pool scales up',
      look: 'Web UI: the pool workflow\'s status query; kubectl get statefulset,pods -n stellar',
      timeoutMs: 120_000,
      async run(ctx) {
        const started = Date.now();
        const name = ctx.resources.pool.metadata.name;
        await setScenario(ctx, `${name}-2`, 'lagging:100');
        await until('a 4th replica', () => poolView(ctx), (v) => (v.replicas ?? 0) >= 4, 60_000, describePool);
        ctx.note(`scaled to 4 replicas after ${seconds(started)}; the lagging replicas catch up`);
        await setScenario(ctx, `${name}-1`, 'synced');
        await setScenario(ctx, `${name}-2`, 'synced');
        const view = await until('4 fresh replicas', () => poolView(ctx), (v) => v.fresh === 4, 60_000, describePool);
        return `3 -> ${view.replicas ?? '?'} replicas, ${view.fresh} fresh again (${seconds(started)})`;
      },
    },
    {
      title: 'steward signal rebalance pool stellar/testnet-pool: the new replica gets shards',
      look: 'Web UI: a "rebalance" WorkflowExecutionSignaled event in the pool\'s history',
      timeoutMs: 60_000,
      async run(ctx) {
        const started = Date.now();
        const newest = `${ctx.resources.pool.metadata.name}-3`;
        const before = await poolView(ctx);
        ctx.note(`before: ${newest} holds ${before.replicaViews.find((r) => r.replica === newest)?.shards.length ?? 0} shards (autoRebalance is off in the demo)`);
        await ctx.client.workflow.getHandle(poolId(ctx)).signal(rebalanceSignal);
        const view = await until(`shards on ${newest}`, () => poolView(ctx), (v) => (v.replicaViews.find((r) => r.replica === newest)?.shards.length ?? 0) > 0, 45_000, describePool);
        return `${view.replicaViews.map((r) => `${r.replica}: ${r.shards.join(',')}`).join('  ')} (${seconds(started)})`;
      },
    },
    {
      title: 'validator-4 joins: its peers learn of it',
      look: 'Web UI: validator-set/testnet, the connectPeers activity; kubectl get configmap stellar-peers -n stellar-system -o yaml',
      timeoutMs: 90_000,
      async run(ctx) {
        const started = Date.now();
        const r = ctx.resources;
        await applyManifests(ctx.kube, r.namespace, [r.joiningValidator]);
        const joining = validatorDnsName(r.namespace, r.joiningValidator.metadata.name);
        await until('validator-4 in stellar-peers', async () => (await ctx.kube.request<{ data?: Record<string, string> }>('GET', '/api/v1/namespaces/stellar-system/configmaps/stellar-peers')).data?.['peers-testnet.txt'] ?? '',
          (text) => text.includes(joining), 60_000);
        ctx.note(`validator-4 is in stellar-system/stellar-peers after ${seconds(started)}`);
        const joiningPod = `${r.namespace}/${r.joiningValidator.metadata.name}-0`;
        for (const v of r.validators) await until(`${v.metadata.name} connected to validator-4`, () => connectedPods(ctx, v.metadata.name), (pods) => pods.includes(joiningPod), 60_000);
        return `${r.validators.map((v) => v.metadata.name).join(', ')} are connected to ${joining}, as their /peers show (${seconds(started)})`;
      },
    },
    {
      title: 'a database replica stops, then comes back',
      look: 'Web UI: postgres-replicas/stellar/horizon-db; kubectl get postgresreplicaset -n stellar',
      timeoutMs: 120_000,
      async run(ctx) {
        if (!ctx.postgres) return 'skipped: the database is yours (STEWARD_PG_PRIMARY_URL); the demo stops replicas only on the local stack';
        const replica = ctx.postgres.replicas[0] as PostgresServer;
        const address = `${replica.host}:${replica.port}`;
        const started = Date.now();
        stopServer(replica);
        try {
          const out = await until(`${address} ejected`, () => replicaSetView(ctx), (v) => v.replicas.some((x) => `${x.host}:${x.port}` === address && !x.healthy) && !v.routingTo.includes(address), 60_000);
          const failed = out.replicas.find((x) => `${x.host}:${x.port}` === address);
          ctx.note(`${replica.name} (${address}) ejected after ${failed?.failureCount ?? '?'} failed checks, ${seconds(started)}: ${failed?.message ?? ''}`);
        } finally {
          if (!isRunning(replica)) startServer(replica);
        }
        const back = Date.now();
        await until(`${address} readmitted`, () => replicaSetView(ctx), (v) => v.routingTo.includes(address) && v.replicas.every((x) => x.healthy), 60_000);
        return `${replica.name} ejected, restarted and readmitted ${seconds(back)} after its restart`;
      },
    },
  ];
}
