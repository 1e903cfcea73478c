// Validator peer discovery on the local stack: time from a new validator's pod turning Ready until it is
// connected (as the nodes' own /peers show it, in the simulator) to every other validator of its network,
// for 3, 10 and 30 validators (p50/p99); then the time until a deleted network's keys leave stellar-peers.
// Run: npm run build && node dist/bench/validator-convergence.js [--smoke]
// (uses the stack in STEWARD_STACK_DIR, else starts or attaches to the `bench` stack; --smoke: 3 validators, 1 sample)
import { localSeed } from '../stack/local-seeds.js';
import { validatorSetWorkflowId } from '../domain/names.js';
import { networkSlug } from '../domain/network.js';
import { startValidatorTrigger } from '../worker/resource-triggers.js';
import { benchEnv, stackNote, until } from './bench-stack.js';
import { smokeMode } from './smoke.js';
import { summary } from './stats.js';

const SMOKE = smokeMode();
const SIZES = (process.env.BENCH_SIZES ?? (SMOKE ? '3' : '3,10,30')).split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? (SMOKE ? 1 : 5));
const PEERS_MAP = '/api/v1/namespaces/stellar-system/configmaps/stellar-peers';

const env = await benchEnv();
const controlUrl = env.info.simulator?.controlUrl;
if (!controlUrl) throw new Error('the benchmark needs the stellar-core simulator');
const stopTrigger = startValidatorTrigger(env.kube, env.client, { taskQueue: env.taskQueue, inputDefaults: { resyncSeconds: 30 }, log: () => undefined });

/** Each simulated pod's connected pods (`namespace/pod`), by pod. */
async function links(): Promise<Map<string, string[]>> {
  const pods = (await (await fetch(`${controlUrl}/_sim/pods`)).json()) as { pod: string; peers: string[] }[];
  return new Map(pods.map((p) => [p.pod, p.peers]));
}

async function podReady(ns: string, name: string): Promise<boolean> {
  const pod = await env.kube.getOptional<{ status?: { conditions?: { type: string; status: string }[] } }>(`/api/v1/namespaces/${ns}/pods/${name}-0`);
  return Boolean(pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

/** True when `name` is connected to each of `others`, per the /peers of the simulated nodes. */
async function connectedToAll(ns: string, name: string, others: string[]): Promise<boolean> {
  const peers = (await links()).get(`${ns}/${name}-0`) ?? [];
  return others.every((other) => peers.includes(`${ns}/${other}-0`));
}

async function meshed(ns: string, names: string[]): Promise<boolean> {
  const all = await links();
  return names.every((name) => names.every((other) => other === name || (all.get(`${ns}/${name}-0`) ?? []).includes(`${ns}/${other}-0`)));
}

/** Each validator's own local-only seed, by name (the set `v<i>` and the newcomers `n<i>`). */
function seeds(size: number): Record<string, string> {
  const names = [...Array.from({ length: size }, (_, i) => `v${i}`), ...Array.from({ length: SAMPLES }, (_, i) => `n${i}`)];
  return Object.fromEntries(names.map((name) => [name, localSeed(`stellar-steward bench ${name}`)]));
}

for (const size of SIZES) {
  const ns = `valbench-${size}-${Date.now().toString(36)}`;
  const network = `Bench Network ; ${ns}`;
  const nodesPath = `/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes`;
  await env.kube.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await env.kube.apply(`/api/v1/namespaces/${ns}/secrets/seed`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seed', namespace: ns }, stringData: seeds(size) });
  const create = (name: string) => env.kube.apply(`${nodesPath}/${name}`, {
    apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name, namespace: ns },
    spec: { nodeType: 'Validator', network, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seed', key: name } } },
  });
  const names = Array.from({ length: size }, (_, i) => `v${i}`);
  for (const name of names) await create(name);
  await until(async () => (await Promise.all(names.map((n) => podReady(ns, n)))).every(Boolean), 300_000, `${size} validators ready`, 200);
  const warm = await until(() => meshed(ns, names), 300_000, `${size} validators meshed`, 200);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const newcomer = `n${i}`;
    await create(newcomer);
    await until(() => podReady(ns, newcomer), 60_000, `${newcomer} ready`, 10);
    const readyAt = performance.now();
    await until(() => connectedToAll(ns, newcomer, names), 60_000, `${newcomer} connected to ${names.length} peers`, 10);
    samples.push(performance.now() - readyAt);
    names.push(newcomer);
  }
  console.log(`${String(size).padStart(3)} validators (mesh in ${(warm / 1000).toFixed(1)} s after all Ready): new validator Ready -> connected to every peer: ${summary(samples)}`);

  const slug = networkSlug(network);
  const deletedAt = performance.now();
  for (const name of names) await env.kube.delete(`${nodesPath}/${name}`);
  await until(async () => {
    const data = (await env.kube.getOptional<{ data?: Record<string, string> }>(PEERS_MAP))?.data ?? {};
    return !Object.keys(data).some((key) => key.includes(slug));
  }, 60_000, `${slug} keys removed from stellar-peers`, 50);
  console.log(`${String(size).padStart(3)} validators deleted -> their network's keys gone from stellar-peers in ${((performance.now() - deletedAt) / 1000).toFixed(1)} s`);
  await env.client.workflow.getHandle(validatorSetWorkflowId(network)).terminate('benchmark done').catch(() => undefined);
  await env.kube.delete(`/api/v1/namespaces/${ns}`);
}
stopTrigger();
await env.stop();
console.log(stackNote());
