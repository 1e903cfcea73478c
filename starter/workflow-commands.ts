import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { networkSlug } from '../domain/network.js';
import { TASK_QUEUE, parseResourceRef, workflowId } from '../domain/names.js';
import { pauseSignal, peersQuery, rebalanceSignal, resourceChangedSignal, resumeSignal, resyncSignal, statusQuery, type ReadOnlyPoolInput, type ReadOnlyPoolView, type ValidatorSetInput, type ValidatorSetView } from '../workflows/contract.js';
import { temporalSettings } from '../worker/temporal-settings.js';
import { startOptions } from '../worker/start-options.js';
import { NotFoundError, UsageError, type CommandResult } from './output.js';

/** A workflow target named on the command line. */
interface Target {
  id: string;
  kind: 'pool' | 'validators';
  /** Workflow type and input for start. */
  type: 'readOnlyPoolWorkflow' | 'validatorSetWorkflow';
  input: ReadOnlyPoolInput | ValidatorSetInput;
}

const SIGNALS = { rebalance: rebalanceSignal, pause: pauseSignal, resume: resumeSignal, resync: resyncSignal, 'resource-changed': resourceChangedSignal } as const;

/** `steward start <pool <ns>/<name> | validators <network>>`: starts the workflow, or attaches to it. */
export async function startCommand(args: string[]): Promise<CommandResult> {
  const target = parseTarget(args, 'start');
  const client = await connect();
  const handle = await client.workflow.signalWithStart(target.type, {
    taskQueue: TASK_QUEUE, workflowId: target.id, args: [target.input], signal: resourceChangedSignal, signalArgs: [],
    ...(target.kind === 'pool' ? startOptions('readonlypool', target.input as ReadOnlyPoolInput) : startOptions('validator-set', { network: target.id.split('/')[1] })),
  });
  return { output: `workflow ${handle.workflowId} running\n${uiLink(handle.workflowId)}`, exitCode: 0 };
}

/** `steward signal <rebalance|pause|resume|resync> <pool <ns>/<name> | validators <network>>`. */
export async function signalCommand(args: string[]): Promise<CommandResult> {
  const [name, ...rest] = args;
  const signal = SIGNALS[name as keyof typeof SIGNALS];
  if (!signal) throw new UsageError(`signal needs one of ${Object.keys(SIGNALS).join(', ')}, got '${name ?? ''}'`);
  const target = parseTarget(rest, 'signal');
  const client = await connect();
  await withWorkflow(target, () => client.workflow.getHandle(target.id).signal(signal));
  return { output: `signalled ${name} to ${target.id}\n${uiLink(target.id)}`, exitCode: 0 };
}

/** `steward status <pool <ns>/<name> | validators <network>> [--json]`: the workflow's latest decision. */
export async function statusCommand(args: string[]): Promise<CommandResult> {
  const json = args.includes('--json');
  const target = parseTarget(args.filter((a) => a !== '--json'), 'status');
  const client = await connect();
  const handle = client.workflow.getHandle(target.id);
  const description = await withWorkflow(target, () => handle.describe());
  if (description.status.name !== 'RUNNING') {
    throw new NotFoundError(`workflow ${target.id} is not running (${description.status.name}): start it with '${startHint(target)}'`);
  }
  const view: ReadOnlyPoolView | ValidatorSetView = await withWorkflow(target, (): Promise<ReadOnlyPoolView | ValidatorSetView> => (target.kind === 'pool' ? handle.query(statusQuery) : handle.query(peersQuery)));
  if (json) return { output: JSON.stringify(view, null, 2), exitCode: 0 };
  const table = 'replicaViews' in view ? poolTable(view) : validatorTable(view);
  return { output: `${table}\n${uiLink(target.id)}`, exitCode: 0 };
}

/** `steward list`: the running Steward workflows. */
export async function listCommand(): Promise<CommandResult> {
  const client = await connect();
  const lines: string[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${TASK_QUEUE}' AND ExecutionStatus = 'Running'` })) {
    lines.push(`${execution.workflowId.padEnd(50)} ${execution.type}`);
  }
  return { output: lines.length ? lines.join('\n') : 'no Steward workflow is running', exitCode: 0 };
}

/** `steward stop <pool <ns>/<name> | validators <network>>`: terminates the workflow (resources stay). */
export async function stopCommand(args: string[]): Promise<CommandResult> {
  const target = parseTarget(args, 'stop');
  const client = await connect();
  await withWorkflow(target, () => client.workflow.getHandle(target.id).terminate('stopped with steward stop'));
  return { output: `stopped ${target.id} (the resources it manages are left as they are)`, exitCode: 0 };
}

function parseTarget(args: string[], command: string): Target {
  const [kind, ref] = args;
  if (kind === 'pool' && ref) {
    let parsed;
    try {
      parsed = parseResourceRef(ref);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return { id: workflowId('readonlypool', parsed), kind: 'pool', type: 'readOnlyPoolWorkflow', input: { namespace: parsed.namespace, name: parsed.name } };
  }
  if (kind === 'validators' && ref) {
    return { id: `validator-set/${networkSlug(ref)}`, kind: 'validators', type: 'validatorSetWorkflow', input: { network: ref } };
  }
  throw new UsageError(`${command} needs: pool <namespace>/<name>, or validators <Mainnet|Testnet|Futurenet|passphrase>`);
}

async function withWorkflow<T>(target: Target, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError || /not found/i.test((error as Error).message)) {
      throw new NotFoundError(`workflow ${target.id} is not running: start it with '${startHint(target)}' (or run a worker, which starts it when the resource exists)`);
    }
    throw error;
  }
}

function startHint(target: Target): string {
  if (target.kind === 'pool') {
    const input = target.input as ReadOnlyPoolInput;
    return `steward start pool ${input.namespace}/${input.name}`;
  }
  return `steward start validators ${(target.input as ValidatorSetInput).network}`;
}

function validatorTable(view: ValidatorSetView): string {
  const lines = [`validator set ${view.network}: ${view.peers.length} peers`];
  for (const peer of view.peers) lines.push(`  ${peer.padEnd(40)} pending pushes: ${(view.pending[peer] ?? []).length}, told: ${(view.told[peer] ?? []).length}`);
  return lines.join('\n');
}

function poolTable(view: ReadOnlyPoolView): string {
  const lines = [`pool ${view.namespace}/${view.name}: ${view.replicas ?? '?'} replicas, ${view.fresh} fresh, ${view.lagging} lagging, tip ${view.networkTip ?? '?'}, average lag ${view.averageLag ?? '?'}`];
  lines.push(`${'REPLICA'.padEnd(24)}${'FRESH'.padEnd(7)}${'WEIGHT'.padEnd(8)}${'LEDGER'.padEnd(12)}${'LAG'.padEnd(8)}${'SERVING'.padEnd(9)}${'SHARDS'.padEnd(10)}REASON`);
  for (const r of view.replicaViews) {
    lines.push(`${r.replica.padEnd(24)}${String(r.fresh).padEnd(7)}${String(r.weight).padEnd(8)}${String(r.ledger ?? '-').padEnd(12)}${String(r.lag ?? '-').padEnd(8)}${String(r.serving).padEnd(9)}${(r.shards.join(',') || '-').padEnd(10)}${r.reason}`);
  }
  return lines.join('\n');
}

/** The Temporal Web UI link of a workflow (`TEMPORAL_UI_URL`, default http://127.0.0.1:8233). */
export function uiLink(id: string): string {
  const base = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  return `Web UI: ${base}/namespaces/${namespace}/workflows/${encodeURIComponent(id)}`;
}

async function connect(): Promise<Client> {
  const settings = temporalSettings();
  try {
    const connection = await Connection.connect({ ...settings.connection, connectTimeout: 3000 });
    return new Client({ connection, namespace: settings.namespace });
  } catch (error) {
    throw new Error(`cannot reach Temporal at ${settings.address} (${(error as Error).message}): ` +
      `start the local stack with 'steward stack up' or set TEMPORAL_ADDRESS`);
  }
}
