// Records replay fixtures of the shared reconcile loop that cross a continue-as-new, with signals pending
// at the boundary: each workflow runs 3 passes per run on the demo's resources (namespace `replay`), and
// the run that continued-as-new is saved as `<id>-can.json`, the run after it as `<id>.json`.
//
//   npm run build && STEWARD_STACK_DIR=/var/tmp/stellar-steward/test node dist/test/replay/record-continued.js
//   ... record-continued.js --only readonlypool --label lean --passes 10   (one type, 10 passes per run, saved as <id>-lean.json and <id>-lean-can.json,
//   so that the histories of an earlier version stay as fixtures next to those of a new patch)
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createHttpClient, readCaBundle } from '../../activities/http-client.js';
import { installCrds } from '../../kube/crds.js';
import { KubeRest } from '../../kube/rest.js';
import { validatorSetWorkflowId, workflowId } from '../../domain/names.js';
import { applyManifests, demoResources } from '../../starter/demo/resources.js';
import type { StackInfo } from '../../stack/index.js';
import { createWorker } from '../../worker/worker.js';
import { checkNowSignal, confirmRemoveSignal, pauseSignal, rebalanceSignal, resourceChangedSignal, resumeSignal, resyncSignal } from '../../workflows/contract.js';
import { postgresReplicasWorkflow, readOnlyPoolWorkflow, tenantWorkflow, validatorSetWorkflow } from '../../workflows/index.js';
import { fixtureName } from './record-histories.js';

const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'test', 'fixtures', 'histories');
const NAMESPACE = 'replay';
const TASK_QUEUE = 'replay-recording';

/** `--only <id prefix>` and `--label <name>` from the command line. */
function options(args: string[]): { only?: string; label: string; passes: number } {
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const label = value('--label');
  return { only: value('--only'), label: label ? `-${label}` : '', passes: Number(value('--passes') ?? 3) };
}

async function main(): Promise<void> {
  const { only, label, passes } = options(process.argv.slice(2));
  const dir = process.env.STEWARD_STACK_DIR;
  if (!dir) throw new Error('set STEWARD_STACK_DIR to a running local stack (e.g. /var/tmp/stellar-steward/test)');
  const info = JSON.parse(fs.readFileSync(path.join(dir, 'stack.json'), 'utf8')) as StackInfo;
  if (!info.kube || !info.simulator || !info.postgres || info.postgres.external) throw new Error('the stack needs Kubernetes, the simulator and its own PostgreSQL');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const kube = KubeRest.fromFile(info.kube.kubeconfigPath);
  await installCrds(kube);
  const resources = demoResources(info.simulator.httpsUrl, info.postgres);
  await applyManifests(kube, NAMESPACE, [...resources.secrets, resources.pool, ...resources.validators, resources.tenant, resources.replicaSet]);
  const worker = await createWorker({ address: info.temporal.address, namespace: info.temporal.namespace, connection: { address: info.temporal.address } }, { kube, http: createHttpClient({ egress: 'loopback', caBundle: readCaBundle(info.simulator.caBundle) }) }, TASK_QUEUE);
  const running = worker.run();
  const connection = await Connection.connect({ address: info.temporal.address });
  const client = new Client({ connection, namespace: info.temporal.namespace });
  const ref = (name: string) => ({ namespace: NAMESPACE, name });
  const start = { taskQueue: TASK_QUEUE, workflowIdReusePolicy: 'TERMINATE_IF_RUNNING' as const };
  const network = String(resources.validators[0]?.spec?.network ?? 'Testnet');
  const handles: WorkflowHandle[] = [
    await client.workflow.start(readOnlyPoolWorkflow, { ...start, workflowId: workflowId('readonlypool', ref(resources.pool.metadata.name)), args: [{ ...ref(resources.pool.metadata.name), intervalSeconds: 1, ledgerRefreshSeconds: 1, passesPerRun: passes }] }),
    await client.workflow.start(tenantWorkflow, { ...start, workflowId: workflowId('tenant', ref(resources.tenant.metadata.name)), args: [{ ...ref(resources.tenant.metadata.name), intervalSeconds: 1, passesPerRun: 3 }] }),
    await client.workflow.start(postgresReplicasWorkflow, { ...start, workflowId: workflowId('postgres-replicas', ref(resources.replicaSet.metadata.name)), args: [{ ...ref(resources.replicaSet.metadata.name), intervalSeconds: 1, passesPerRun: 3 }] }),
    await client.workflow.start(validatorSetWorkflow, { ...start, workflowId: `${validatorSetWorkflowId(network)}-replay`, args: [{ network, resyncSeconds: 1, passesPerRun: 3 }] }),
  ];
  const [pool, tenant, replicas, validators] = handles as [WorkflowHandle, WorkflowHandle, WorkflowHandle, WorkflowHandle];
  // Requests pending at the boundary: a rebalance held by a pause, a confirmation of a pool not removed yet.
  await pool.signal(pauseSignal);
  await pool.signal(rebalanceSignal);
  await tenant.signal(confirmRemoveSignal, 'not-removed-yet');
  await replicas.signal(checkNowSignal);
  await validators.signal(resyncSignal);
  fs.mkdirSync(FIXTURES, { recursive: true });
  for (const handle of handles) {
    if (only && !handle.workflowId.startsWith(only)) {
      await handle.terminate('not recorded');
      continue;
    }
    const first = (await handle.describe()).runId;
    const second = await waitForNextRun(client, handle.workflowId, first);
    if (handle === pool) {
      await client.workflow.getHandle(handle.workflowId).signal(resumeSignal);
      // A watch's wake-up that names the changed pool, once the resumed pass is done (a bare wake-up in the
      // same wait would make the pass read the API): the pass reads through a local activity.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const poolPath = `/apis/stellar.org/v1alpha1/namespaces/${NAMESPACE}/readonlypools/${resources.pool.metadata.name}`;
      const live = await kube.request<{ metadata: { resourceVersion: string } }>('GET', poolPath);
      await client.workflow.getHandle(handle.workflowId).signal(resourceChangedSignal, { changes: [{ path: poolPath, resourceVersion: live.metadata.resourceVersion }] });
      // A spec change after an apply that held: applied within the workflow task, its observation waiting
      // for the cache to show the earlier write.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const changed = await kube.request<{ metadata: { resourceVersion: string } }>('PATCH', poolPath, { body: { spec: { resources: { requests: { cpu: '150m' } } } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'record-continued' } });
      await client.workflow.getHandle(handle.workflowId).signal(resourceChangedSignal, { changes: [{ path: poolPath, resourceVersion: changed.metadata.resourceVersion }] });
    }
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await save(client, handle.workflowId, first, `${label}-can`);
    await save(client, handle.workflowId, second, label);
    await client.workflow.getHandle(handle.workflowId).terminate('recorded');
  }
  worker.shutdown();
  await running;
  await connection.close();
}

async function waitForNextRun(client: Client, id: string, first: string): Promise<string> {
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const run = (await client.workflow.getHandle(id).describe()).runId;
    if (run !== first) return run;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${id} did not continue-as-new within 60 s`);
}

async function save(client: Client, id: string, runId: string, suffix: string): Promise<void> {
  const history = await client.workflow.getHandle(id, runId).fetchHistory();
  const file = path.join(FIXTURES, fixtureName(`loop/${id}`).replace(/\.json$/, `${suffix}.json`));
  fs.writeFileSync(file, `${historyToJSON(history)}\n`);
  console.log(`${id} run ${runId}: ${history.events?.length ?? 0} events -> ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(`record-continued: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
