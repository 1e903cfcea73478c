// ReadOnlyPool reconcile on the local stack: latency from a spec change to the updated StatefulSet
// (p50/p99), and Temporal history events and Kubernetes API writes per steady-state iteration.
// Run: npm run build && node dist/bench/pool-reconcile.js [--smoke]
// (uses the stack in STEWARD_STACK_DIR, else starts or attaches to the `bench` stack; --smoke: 2 samples, 3 s steady)
import { workflowId } from '../domain/names.js';
import { startPoolTrigger } from '../worker/resource-triggers.js';
import { statusQuery } from '../workflows/contract.js';
import { benchEnv, stackNote, until } from './bench-stack.js';
import { smokeMode } from './smoke.js';
import { summary } from './stats.js';

const SMOKE = smokeMode();
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? (SMOKE ? 2 : 20));
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? (SMOKE ? 3 : 20));
const SETTLE_MS = SMOKE ? 2000 : 8000;

const env = await benchEnv();
const ns = `bench-${Date.now().toString(36)}`;
await env.kube.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
const stopTrigger = startPoolTrigger(env.kube, env.client, { namespaces: [ns], taskQueue: env.taskQueue, inputDefaults: { intervalSeconds: 2 }, log: () => undefined });
const poolPath = `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/pool`;
const stsPath = `/apis/apps/v1/namespaces/${ns}/statefulsets/pool`;
const manifest = (version: string) => ({
  apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'pool', namespace: ns },
  spec: { network: 'Testnet', version, minReplicas: 3, maxReplicas: 3, targetReplicas: 3, loadBalancing: { updateIntervalSeconds: 2 }, storage: { size: '1Gi' } },
});
type Sts = { spec: { template: { spec: { containers: { image: string }[] } } } };
const image = async (): Promise<string | undefined> => (await env.kube.getOptional<Sts>(stsPath))?.spec.template.spec.containers[0]?.image;

await env.kube.apply(poolPath, manifest('v0'));
await until(async () => (await image()) === 'stellar/stellar-core:v0', 60_000, 'first StatefulSet');

const latencies: number[] = [];
for (let i = 1; i <= SAMPLES; i += 1) {
  const version = `v${i}`;
  const started = performance.now();
  await env.kube.apply(poolPath, manifest(version));
  await until(async () => (await image()) === `stellar/stellar-core:${version}`, 30_000, `StatefulSet at ${version}`, 10);
  latencies.push(performance.now() - started);
}
console.log(`spec change -> StatefulSet updated: ${summary(latencies)}`);

const handle = env.client.workflow.getHandle(workflowId('readonlypool', { namespace: ns, name: 'pool' }));
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const before = { iterations: (await handle.query(statusQuery)).iterations, events: (await handle.fetchHistory()).events?.length ?? 0, writes: env.workerKube.writes };
await new Promise((resolve) => setTimeout(resolve, STEADY_SECONDS * 1000));
const after = { iterations: (await handle.query(statusQuery)).iterations, events: (await handle.fetchHistory()).events?.length ?? 0, writes: env.workerKube.writes };
const iterations = after.iterations - before.iterations;
console.log(`steady state over ${STEADY_SECONDS} s: ${iterations} iterations, ${((after.events - before.events) / iterations).toFixed(1)} history events/iteration, ` +
  `${((after.writes - before.writes) / iterations).toFixed(2)} API writes/iteration (${after.writes - before.writes} writes in all)`);

stopTrigger();
await handle.terminate('benchmark done').catch(() => undefined);
await env.kube.delete(`/api/v1/namespaces/${ns}`);
await env.stop();
console.log(stackNote());
