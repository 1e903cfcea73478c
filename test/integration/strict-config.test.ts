import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { PoolStatus } from '../../domain/pool-status.js';
import { localSeed } from '../../stack/local-seeds.js';
import { startPoolTrigger, startValidatorTrigger } from '../../worker/resource-triggers.js';
import { archiveUrl, createNamespace, eventually, kube, mergePatch, startWorker, temporalClient, workerKube } from './support.js';

// The strict simulator on the real stack: a pool whose coreConfigOverride stellar-core would refuse gets
// pods that crash-loop and never answer /info, and its status names the rule; a valid override is Synced;
// fixing the override brings the pods back; a refused change over a good config is not rolled out.

interface Pool {
  status?: PoolStatus;
}

interface Pod {
  status?: {
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { restartCount: number; state?: { waiting?: { reason?: string }; running?: object }; lastState?: { terminated?: { exitCode: number; message?: string } } }[];
  };
}

const network = `Strict Test Network ; ${process.pid}`;
const POOLS = (ns: string) => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools`;
const UNKNOWN = 'NOT_A_STELLAR_CORE_KEY=1';

function poolManifest(namespace: string, name: string, coreConfigOverride: unknown) {
  return {
    apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace },
    spec: {
      network: 'Testnet', minReplicas: 1, maxReplicas: 3, targetReplicas: 1, loadBalancing: { updateIntervalSeconds: 1 }, shardBalancing: { enabled: false },
      historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' }, coreConfigOverride,
    },
  };
}

/** What the pod's admin port answers to /info: the JSON state, or the connection error's code. */
async function info(ip: string | undefined): Promise<string> {
  if (!ip?.startsWith('127.')) return 'no loopback IP';
  try {
    const response = await fetch(`http://${ip}:11626/info`, { signal: AbortSignal.timeout(2000) });
    return ((await response.json()) as { info?: { state?: string } }).info?.state ?? 'no state';
  } catch (error) {
    return `unreachable: ${String((error as { cause?: { code?: string } }).cause?.code ?? error)}`;
  }
}

const degraded = (pool: Pool) => pool.status?.conditions?.find((c) => c.type === 'Degraded');
const ready = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('strict stellar-core simulator: configs stellar-core refuses crash-loop on the real stack', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let stopValidators: () => void;
  let ns: string;
  const pod = (name: string) => kube().request<Pod>('GET', `/api/v1/namespaces/${ns}/pods/${name}`);
  const pool = (name: string) => kube().request<Pool>('GET', `${POOLS(ns)}/${name}`);

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('strict');
    stopTrigger = startPoolTrigger(workerKube(), client, { namespaces: [ns], taskQueue: worker.taskQueue, inputDefaults: { intervalSeconds: 1, ledgerRefreshSeconds: 2 }, log: () => undefined });
    stopValidators = startValidatorTrigger(workerKube(), client, { taskQueue: worker.taskQueue, inputDefaults: { resyncSeconds: 2 }, log: () => undefined });
  });
  afterAll(async () => {
    stopTrigger?.();
    stopValidators?.();
    // The worker's stop terminates every run its all-namespace validator trigger started.
    await worker?.stop();
    await client?.connection.close();
  });

  it('a refused override (TOML text): the pod crash-loops, never answers /info, and the status names the rule and key', async () => {
    await kube().apply(`${POOLS(ns)}/bad`, poolManifest(ns, 'bad', UNKNOWN));
    const crashed = await eventually(() => pod('bad-0').catch(() => ({}) as Pod), (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 60_000, 'bad-0 restarted');
    const container = crashed.status?.containerStatuses?.[0];
    expect(container?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(container?.lastState?.terminated).toEqual(expect.objectContaining({ exitCode: 1, message: "Got an exception: Unknown configuration entry: 'NOT_A_STELLAR_CORE_KEY'" }));
    expect(ready(crashed)).toBe(false);
    expect(await info(crashed.status?.podIP)).toMatch(/^unreachable: ECONNREFUSED/);
    const status = await eventually(() => pool('bad'), (p) => degraded(p)?.reason === 'ConfigRefused', 30_000, 'Degraded ConfigRefused');
    expect(degraded(status)?.message).toMatch(/rule unknown-key, key NOT_A_STELLAR_CORE_KEY/);
    expect(status.status?.freshReplicas).toBe(0);
  });

  it('a valid override (map form) is Synced and answers /info', async () => {
    await kube().apply(`${POOLS(ns)}/good`, poolManifest(ns, 'good', { CATCHUP_RECENT: 60 }));
    const status = await eventually(() => pool('good'), (p) => p.status?.freshReplicas === 1, 60_000, 'good fresh');
    expect(degraded(status)?.reason).not.toBe('ConfigRefused');
    const running = await pod('good-0');
    expect(ready(running)).toBe(true);
    expect(await info(running.status?.podIP)).toBe('Synced!');
    const config = await kube().request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/configmaps/good-config`);
    expect(config.data['stellar-core.cfg']).toMatch(/^CATCHUP_RECENT=60$/m);
  });

  it('fixing the override brings the crash-looping pool back', async () => {
    await mergePatch(`${POOLS(ns)}/bad`, { spec: { coreConfigOverride: 'CATCHUP_RECENT=60' } });
    const status = await eventually(() => pool('bad'), (p) => p.status?.freshReplicas === 1, 90_000, 'bad fresh after the fix');
    expect(degraded(status)?.reason).not.toBe('ConfigRefused');
    const back = await pod('bad-0');
    expect(ready(back)).toBe(true);
    expect(await info(back.status?.podIP)).toBe('Synced!');
  });

  it('a refused change over a good config is not rolled out: the pod keeps running and the status says why', async () => {
    const before = await kube().request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/configmaps/good-config`);
    await mergePatch(`${POOLS(ns)}/good`, { spec: { coreConfigOverride: { CATCHUP_RECENT: 60, HTTP_PORT: 'not a port' } } });
    const status = await eventually(() => pool('good'), (p) => degraded(p)?.reason === 'ConfigRefused', 30_000, 'Degraded ConfigRefused on good');
    expect(degraded(status)?.message).toMatch(/rule type, key HTTP_PORT.*last good config stays in ConfigMap/);
    const after = await kube().request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${ns}/configmaps/good-config`);
    expect(after.data).toEqual(before.data);
    const running = await pod('good-0');
    expect(ready(running)).toBe(true);
    expect(await info(running.status?.podIP)).toBe('Synced!');
  });

  it('a validator whose override stellar-core refuses crash-loops with the rule on its status, and runs once fixed', async () => {
    const path = `/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v1`;
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: { v1: localSeed(`strict test ${ns} v1`) } });
    await kube().apply(path, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name: 'v1', namespace: ns },
      spec: { nodeType: 'Validator', network, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: 'v1' } }, coreConfigOverride: 'INVARIANT_EXTRA_CHECKS=true' },
    });
    const crashed = await eventually(() => pod('v1-0').catch(() => ({}) as Pod), (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 60_000, 'v1-0 crash-looping');
    expect(crashed.status?.containerStatuses?.[0]?.lastState?.terminated?.message).toMatch(/^Got an exception: Invalid configuration: INVARIANT_EXTRA_CHECKS cannot be enabled on a validator/);
    expect(await info(crashed.status?.podIP)).toMatch(/^unreachable: ECONNREFUSED/);
    type Node = { status?: { conditions?: { type: string; reason: string; message: string }[] } };
    const node = await eventually(() => kube().request<Node>('GET', path), (n) => n.status?.conditions?.some((c) => c.reason === 'ConfigRefused') ?? false, 30_000, 'v1 ConfigRefused');
    expect(node.status?.conditions?.find((c) => c.type === 'Degraded')?.message).toMatch(/rule invariant-extra-checks, key INVARIANT_EXTRA_CHECKS/);

    await mergePatch(path, { spec: { coreConfigOverride: 'CATCHUP_RECENT=60' } });
    const back = await eventually(() => pod('v1-0'), (p) => ready(p), 60_000, 'v1-0 Ready after the fix');
    expect(await info(back.status?.podIP)).toBe('Synced!');
    await eventually(() => kube().request<Node>('GET', path), (n) => !(n.status?.conditions?.some((c) => c.type === 'Degraded') ?? true), 30_000, 'Degraded gone');
  });
});
