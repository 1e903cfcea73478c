import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { TASK_QUEUE, parseResourceRef, workflowId } from '../domain/names.js';
import { statusQuery, type ReadOnlyPoolInput } from '../workflows/contract.js';
import { temporalSettings } from '../worker/temporal-settings.js';
import { NotFoundError, UsageError, type CommandResult } from './output.js';

/** `steward start pool <ns>/<name>`: starts the pool's workflow, or attaches to the running one. */
export async function startCommand(args: string[]): Promise<CommandResult> {
  const ref = poolRef(args, 'start');
  const client = await connect();
  const id = workflowId('readonlypool', ref);
  const input: ReadOnlyPoolInput = { namespace: ref.namespace, name: ref.name };
  const handle = await client.workflow.signalWithStart('readOnlyPoolWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: id,
    args: [input],
    signal: 'resource-changed',
    signalArgs: [],
  });
  return { output: `workflow ${handle.workflowId} running`, exitCode: 0 };
}

/** `steward status pool <ns>/<name>`: the workflow's latest decision. */
export async function statusCommand(args: string[]): Promise<CommandResult> {
  const ref = poolRef(args, 'status');
  const client = await connect();
  const id = workflowId('readonlypool', ref);
  try {
    const view = await client.workflow.getHandle(id).query(statusQuery);
    return { output: JSON.stringify(view, null, 2), exitCode: 0 };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new NotFoundError(`no workflow ${id}: start it with 'steward start pool ${ref.namespace}/${ref.name}'`);
    }
    throw error;
  }
}

function poolRef(args: string[], command: string): ReturnType<typeof parseResourceRef> {
  const [kind, ref] = args;
  if (kind !== 'pool' || !ref) throw new UsageError(`${command} needs: pool <namespace>/<name>`);
  try {
    return parseResourceRef(ref);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
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
