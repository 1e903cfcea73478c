import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { createHttpClient, readCaBundle } from '../../activities/http-client.js';
import { installCrds } from '../../kube/crds.js';
import { KubeRest } from '../../kube/rest.js';
import { startStack, type StackInfo } from '../../stack/index.js';
import { isRunning, startServer } from '../../stack/postgres.js';
import { installRuntime } from '../../worker/runtime.js';
import { startWorkerService } from '../../worker/service.js';
import { stewardScopeFromEnv } from '../../worker/steward-scope.js';
import { demoNames, kubectlEnvLine, kubectlTryLines, stackKubectl } from '../kubectl-lines.js';
import { UsageError, type CommandResult } from '../output.js';
import { applyManifests, demoResources, manifestPath, type DemoResources } from './resources.js';
import { demoSteps, until, type DemoContext } from './scenario.js';
import { DemoScreen } from './screen.js';

/**
 * `steward demo [--once] [--ui-port P] [--stack NAME]`: starts the local stack (Web UI on 8233),
 * installs the CRDs and the example resources, runs a worker that starts their workflows, and plays the
 * scenario with a live status table. `--once` exits 0 when every step was observed, 1 otherwise;
 * without it the demo keeps running until Ctrl-C.
 */
export async function demoCommand(args: string[]): Promise<CommandResult> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { once: { type: 'boolean', default: false }, 'ui-port': { type: 'string', default: '8233' }, stack: { type: 'string', default: 'demo' } } }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const say = (message: string): void => console.log(`[demo] ${message}`);
  say(`starting the local stack '${values.stack}' (the first run builds the servers; later runs take seconds)`);
  const info = await startStack({ name: values.stack, persistent: true, uiPort: Number(values['ui-port']), log: (m) => say(m) });
  if (!info.kube || !info.simulator) throw new Error('the demo needs the local Kubernetes stack and its stellar-core simulator: unset KUBECONFIG to let the demo start its own');
  const kube = KubeRest.fromFile(info.kube.kubeconfigPath);
  await installCrds(kube);
  const postgres = info.postgres && !info.postgres.external ? info.postgres : undefined;
  const resources = demoResources(info.simulator.httpsUrl, postgres);
  await resetFromEarlierRun(kube, resources, say);
  if (postgres) for (const server of postgres.replicas) if (!isRunning(server)) startServer(server);
  await applyManifests(kube, resources.namespace, [...resources.secrets, resources.pool, ...resources.validators, resources.tenant, resources.replicaSet]);
  say(`applied to namespace ${resources.namespace}: ReadOnlyPool ${resources.pool.metadata.name}, ${resources.validators.length} validators, Tenant ${resources.tenant.metadata.name}, PostgresReplicaSet ${resources.replicaSet.metadata.name}`);

  const settings = { address: info.temporal.address, namespace: info.temporal.namespace, connection: { address: info.temporal.address } };
  // STEWARD_METRICS_ADDRESS (host:port) serves the demo worker's /metrics, as the worker's own does (test/integration/demo.test.ts scrapes it).
  installRuntime({ level: 'WARN', metricsAddress: process.env.STEWARD_METRICS_ADDRESS });
  const { cluster, taskQueue } = stewardScopeFromEnv();
  // The demo talks to loopback only, and trusts the stack's CA for the simulator's https sources.
  const http = createHttpClient({ egress: 'loopback', caBundle: readCaBundle(info.simulator.caBundle) });
  const service = await startWorkerService({ settings, kube, http, cluster, taskQueue, inputDefaults: { validators: { resyncSeconds: 5 }, tenant: { intervalSeconds: 5 } }, log: (m) => say(`worker: ${m}`) });
  const connection = await Connection.connect({ address: info.temporal.address });
  const client = new Client({ connection, namespace: info.temporal.namespace });
  const ui = info.temporal.uiUrl ?? 'the Web UI';
  const header = `Stellar Steward demo. Web UI: ${ui}/namespaces/default/workflows (filter: StewardNamespace = "${resources.namespace}")\n` +
    `In another terminal: steward status [--watch], steward list, steward signal rebalance pool ${resources.namespace}/${resources.pool.metadata.name}\n` +
    kubectlHints(info, resources);
  const steps = demoSteps();
  const screen = new DemoScreen(client, header, steps.map((s) => s.title));
  const ctx: DemoContext = { kube, client, resources, simulatorUrl: info.simulator.controlUrl, postgres, cluster, note: (m) => screen.note(m) };
  screen.start();
  let observed = 0;
  for (const [index, step] of steps.entries()) {
    await screen.mark(index, 'running', `look: ${step.look}`);
    try {
      const seen = await withDeadline(step.run(ctx), step.timeoutMs, step.title);
      observed += 1;
      await screen.mark(index, 'observed', seen);
    } catch (error) {
      await screen.mark(index, 'failed', (error as Error).message);
      if (values.once) break;
    }
  }
  const allSeen = observed === steps.length;
  if (values.once) {
    screen.stop();
    await service.stop();
    await connection.close();
    const where = `the stack keeps running (steward stack down --name ${values.stack}); the workflows' histories are in ${ui}`;
    return { output: allSeen ? `demo: all ${steps.length} steps observed; ${where}` : `demo: ${observed} of ${steps.length} steps observed; ${where}`, exitCode: allSeen ? 0 : 1 };
  }
  screen.note(allSeen ? 'scenario done: every step observed. Still running; Ctrl-C to stop (the stack keeps running)' : 'scenario ended with a step not observed (see above); still running, Ctrl-C to stop');
  await service.done;
  screen.stop();
  await connection.close();
  return { output: `demo stopped; the stack keeps running: steward stack down --name ${values.stack}`, exitCode: 0 };
}

/** The kubectl lines to try in another terminal: the stack's PATH/KUBECONFIG line, then commands on the demo's resources. */
function kubectlHints(info: StackInfo, r: DemoResources): string {
  const setup = stackKubectl(info);
  if (!setup) return '';
  return ['and kubectl:', `  ${kubectlEnvLine(setup)}`, ...kubectlTryLines(demoNames(r)).map((line) => `  ${line}`)].join('\n');
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`'${what}' not observed within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** A demo run again on the same stack starts from the example state: the pool is recreated, validator-4 removed. */
async function resetFromEarlierRun(kube: KubeRest, r: DemoResources, say: (message: string) => void): Promise<void> {
  const poolPath = manifestPath(r.pool, r.namespace);
  const joiningPath = manifestPath(r.joiningValidator, r.namespace);
  const existing = await kube.getOptional(poolPath);
  await kube.delete(joiningPath);
  if (!existing) return;
  say(`resetting the pool of an earlier demo run (${r.namespace}/${r.pool.metadata.name}): deleting it and waiting for its pods to go`);
  await kube.delete(poolPath, 'Foreground');
  await until('the earlier pool gone', async () => {
    const pods = await kube.request<{ items: unknown[] }>('GET', `/api/v1/namespaces/${r.namespace}/pods`, { query: { labelSelector: `stellar.org/pool=${r.pool.metadata.name}` } });
    return { pool: await kube.getOptional(poolPath), pods: pods.items.length };
  }, (v) => !v.pool && v.pods === 0, 120_000, (v) => `${v?.pods ?? '?'} pods left`);
}
