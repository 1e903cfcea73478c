// Validator peer discovery on the local stack: time from a new validator's pod turning Ready to every
// healthy existing validator having been told of it with /connect, for 3, 10 and 30 validators (p50/p99).
// Run: npm run build && node dist/bench/validator-convergence.js   (starts the `bench` stack if needed)
import { startValidatorTrigger } from '../worker/resource-triggers.js';
import { benchEnv, until } from './bench-stack.js';
import { summary } from './stats.js';

const SIZES = (process.env.BENCH_SIZES ?? '3,10,30').split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);

const env = await benchEnv();
const controlUrl = env.info.simulator?.controlUrl;
if (!controlUrl) throw new Error('the benchmark needs the stellar-core simulator');
const stopTrigger = startValidatorTrigger(env.kube, env.client, { taskQueue: env.taskQueue, inputDefaults: { resyncSeconds: 30 }, log: () => undefined });

interface Connect { pod: string; peer: string }
const connects = async (): Promise<Connect[]> => (await (await fetch(`${controlUrl}/_sim/connects`)).json()) as Connect[];
const dns = (ns: string, name: string): string => `${name}-0.${name}-hl.${ns}.svc.cluster.local`;

async function podReady(ns: string, name: string): Promise<boolean> {
  const pod = await env.kube.getOptional<{ status?: { conditions?: { type: string; status: string }[] } }>(`/api/v1/namespaces/${ns}/pods/${name}-0`);
  return Boolean(pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

async function allTold(ns: string, newcomer: string, existing: string[]): Promise<boolean> {
  const all = await connects();
  return existing.every((name) => all.some((c) => c.pod === `${ns}/${name}-0` && c.peer === dns(ns, newcomer)));
}

for (const size of SIZES) {
  const ns = `valbench-${size}-${Date.now().toString(36)}`;
  const network = `Bench Network ; ${ns}`;
  await env.kube.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await env.kube.apply(`/api/v1/namespaces/${ns}/secrets/seed`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seed', namespace: ns }, stringData: { seed: 'S-bench' } });
  const create = (name: string) => env.kube.apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/${name}`, {
    apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name, namespace: ns },
    spec: { nodeType: 'Validator', network, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seed' } } },
  });
  const names = Array.from({ length: size }, (_, i) => `v${i}`);
  for (const name of names) await create(name);
  const warm = await until(async () => (await Promise.all(names.map((n) => podReady(ns, n)))).every(Boolean), 300_000, `${size} validators ready`, 200);
  await until(async () => (await Promise.all(names.map((n) => allTold(ns, n, names.filter((m) => m !== n))))).every(Boolean), 300_000, `${size} validators meshed`, 200);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const newcomer = `n${i}`;
    await create(newcomer);
    await until(() => podReady(ns, newcomer), 60_000, `${newcomer} ready`, 10);
    const readyAt = performance.now();
    await until(() => allTold(ns, newcomer, names), 60_000, `${newcomer} told to ${size} peers`, 10);
    samples.push(performance.now() - readyAt);
    names.push(newcomer);
  }
  console.log(`${String(size).padStart(3)} validators (mesh up in ${(warm / 1000).toFixed(1)} s): new validator Ready -> every healthy peer told: ${summary(samples)}`);
  await env.kube.delete(`/api/v1/namespaces/${ns}`);
}
stopTrigger();
await env.stop();
console.log('the bench stack keeps running: node bin/steward.js stack down --name bench');
