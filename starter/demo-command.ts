import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import YAML from 'yaml';
import { installCrds } from '../activities/kube/crds.js';
import { KubeRest } from '../activities/kube/rest.js';
import { TASK_QUEUE, workflowId } from '../domain/names.js';
import { startStack } from '../stack/index.js';
import { createWorker } from '../worker/worker.js';
import { startOptions } from '../worker/start-options.js';
import { resourceChangedSignal, statusQuery } from '../workflows/contract.js';
import type { CommandResult } from './output.js';

const EXAMPLES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'examples');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
}

/**
 * `steward demo [--once]`: starts the local stack with the Web UI on 8233, installs the CRDs and the
 * example resources, runs a worker and the workflows, and prints what they report. `--once` exits 0 as
 * soon as every step has been observed (1 if one was not within its deadline).
 */
export async function demoCommand(args: string[]): Promise<CommandResult> {
  const { values } = parseArgs({ args, options: { once: { type: 'boolean', default: false }, 'ui-port': { type: 'string', default: '8233' } } });
  const say = (message: string): void => console.log(`[demo] ${message}`);
  const info = await startStack({ name: 'demo', persistent: true, uiPort: Number(values['ui-port']) });
  if (!info.kube) throw new Error('the demo needs Kubernetes');
  const kube = KubeRest.fromFile(info.kube.kubeconfigPath);
  await installCrds(kube);
  const pool = YAML.parse(fs.readFileSync(path.join(EXAMPLES, 'readonlypool.yaml'), 'utf8')) as Manifest & { spec: { historyArchiveUrls?: string[] } };
  // The example names a placeholder archive; on the local stack the simulator serves the archive root.
  if (info.simulator) pool.spec.historyArchiveUrls = [`${info.simulator.controlUrl}/archive/testnet`];
  const ns = pool.metadata.namespace;
  await kube.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await kube.apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/${pool.metadata.name}`, pool);
  say(`applied ReadOnlyPool ${ns}/${pool.metadata.name}`);

  const settings = { address: info.temporal.address, namespace: info.temporal.namespace, connection: { address: info.temporal.address } };
  const worker = await createWorker(settings, { kube });
  const running = worker.run();
  const connection = await Connection.connect({ address: info.temporal.address });
  const client = new Client({ connection, namespace: info.temporal.namespace });
  const id = workflowId('readonlypool', pool.metadata);
  const handle = await client.workflow.signalWithStart('readOnlyPoolWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: id,
    args: [{ namespace: ns, name: pool.metadata.name }],
    signal: resourceChangedSignal,
    signalArgs: [],
    ...startOptions('readonlypool', pool.metadata),
  });
  say(`workflow ${id} running; see it in the Web UI: ${info.temporal.uiUrl ?? ''}/namespaces/default/workflows/${encodeURIComponent(id)}`);
  let observed = false;
  const deadline = Date.now() + 60_000;
  while (!observed && Date.now() < deadline) {
    const view = await handle.query(statusQuery);
    observed = view.iterations > 0 && view.generation !== undefined;
    if (!observed) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  say(observed ? 'step observed: the pool workflow read the pool and wrote its status' : 'step NOT observed within 60 s');
  if (values.once) {
    worker.shutdown();
    await running;
    await connection.close();
    return { output: observed ? 'demo: every step observed' : 'demo: a step was not observed', exitCode: observed ? 0 : 1 };
  }
  say('running; press Ctrl-C to stop (the stack keeps running: steward stack down --name demo)');
  await running;
  return { output: '', exitCode: 0 };
}
