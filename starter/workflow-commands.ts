import { parseArgs } from 'node:util';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { KubeRest } from '../kube/rest.js';
import { networkSlug, normalizeNetwork, type NetworkInput } from '../domain/network.js';
import { isMarkedStopped, STOPPED_ANNOTATION } from '../domain/stop-mark.js';
import { startOptions } from '../worker/start-options.js';
import { stewardScopeFromEnv } from '../worker/steward-scope.js';
import { resourceChangedSignal } from '../workflows/contract.js';
import { cliKube, connectTemporal, kubeGet, uiBase, uiLink, uiWorkflows } from './connections.js';
import { NotFoundError, UsageError, type CommandResult } from './output.js';
import { markableObjects, networkNodes, setStopMark } from './stop-mark.js';
import { namespaceScopeFromEnv } from '../kube/namespace-scope.js';
import { KINDS, kindOfWorkflowType, parseTarget, resourcePath, startHint, targetOf, TARGET_HELP, type KindSpec, type Target } from './targets.js';
import { renderView, summaryLine, table } from './views.js';

interface Listed<T> {
  items: T[];
}
interface Resource {
  metadata: { namespace: string; name: string; annotations?: Record<string, string> };
  spec?: { network?: NetworkInput };
}

function options<T extends Record<string, { type: 'boolean' | 'string'; default?: boolean | string }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * `steward start <kind> <ref>`: checks the resource exists, then starts its workflow or attaches to the
 * running one. `steward start --all`: the same for every Steward custom resource in the cluster.
 */
export async function startCommand(args: string[]): Promise<CommandResult> {
  const { values, positionals } = options(args, { all: { type: 'boolean', default: false }, namespace: { type: 'string' } });
  const kube = cliKube();
  if (values.all) {
    if (positionals.length) throw new UsageError('start --all takes no target (narrow it with --namespace N)');
    return startAll(kube, values.namespace);
  }
  if (values.namespace) throw new UsageError('--namespace goes with --all; a target names its namespace itself');
  const target = parseTarget(positionals, 'start', stewardScopeFromEnv().cluster);
  const resource = await requireResource(kube, target);
  const unmarked = await setStopMark(kube, target, await markableObjects(kube, target), false);
  const client = await connectTemporal();
  try {
    await startWorkflow(client, target, resource?.spec?.network && normalizeNetwork(resource.spec.network));
  } finally {
    await client.connection.close();
  }
  const note = unmarked.length ? `removed the stop mark (${STOPPED_ANNOTATION}) from ${target.spec.resource.kind} ${unmarked.join(', ')}\n` : '';
  return { output: `${note}workflow ${target.id} running\n${uiLink(target.id)}`, exitCode: 0 };
}

async function startAll(kube: KubeRest, namespace?: string): Promise<CommandResult> {
  const { cluster } = stewardScopeFromEnv();
  const targets: { target: Target; network?: string }[] = [];
  const notes: string[] = [];
  for (const spec of Object.values(KINDS)) {
    const { apiVersion, plural, kind } = spec.resource;
    let list: Listed<Resource>;
    try {
      list = await kubeGet<Listed<Resource>>(kube, `/apis/${apiVersion}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`, `the ${kind} custom resource definition`, 'install the CRDs (steward stack up installs them; or kubectl apply -f crds/)');
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      notes.push(`skipped ${kind}: ${error.message}`);
      continue;
    }
    const stopped = new Set<string>();
    if (spec.kind === 'validators') {
      const networks = new Map(list.items.flatMap((item) => (item.spec?.network ? [[networkSlug(item.spec.network), normalizeNetwork(item.spec.network)] as const] : [])));
      for (const item of list.items) if (item.spec?.network && isMarkedStopped(item.metadata)) stopped.add(networkSlug(item.spec.network));
      for (const [slug, network] of networks) {
        if (stopped.has(slug)) notes.push(`skipped validators ${network}: stopped with steward stop; 'steward start validators ${network}' resumes it`);
        else targets.push({ target: targetOf(spec, network, cluster) });
      }
    } else {
      for (const item of list.items) {
        const ref = `${item.metadata.namespace}/${item.metadata.name}`;
        if (isMarkedStopped(item.metadata)) notes.push(`skipped ${spec.kind} ${ref}: stopped with steward stop; 'steward start ${spec.kind} ${ref}' resumes it`);
        else targets.push({ target: targetOf(spec, ref, cluster), network: item.spec?.network && normalizeNetwork(item.spec.network) });
      }
    }
  }
  if (!targets.length) return { output: [...notes, `no Steward resource found in ${namespace ? `namespace ${namespace} of ` : ''}the cluster at ${kube.server}`].join('\n'), exitCode: 0 };
  const client = await connectTemporal();
  try {
    for (const { target, network } of targets) await startWorkflow(client, target, network);
  } finally {
    await client.connection.close();
  }
  const lines = targets.map(({ target: t }) => `workflow ${t.id} running  ${uiLink(t.id).replace('Web UI: ', '')}`);
  return { output: [...notes, ...lines, `${targets.length} workflows running; Web UI: ${uiBase()}`].join('\n'), exitCode: 0 };
}

/** Signal-with-starts a target's workflow; `network` is the resource's, for the StewardNetwork attribute. */
async function startWorkflow(client: Client, target: Target, network?: string): Promise<void> {
  const subject = target.subject.kind === 'validator-set' || !network ? target.subject : { ...target.subject, network };
  await client.workflow.signalWithStart(target.spec.workflowType, {
    args: [target.input], signal: resourceChangedSignal, signalArgs: [], ...startOptions(subject, stewardScopeFromEnv()),
  });
}

/** Checks the target's resource exists (validators: a StellarNode on the network); resolves with it (validators: undefined). */
async function requireResource(kube: KubeRest, target: Target): Promise<Resource | undefined> {
  const { kind } = target.spec.resource;
  if (target.network) {
    if ((await networkNodes(kube, { ...target, network: target.network })).length === 0) {
      const watched = namespaceScopeFromEnv().namespaces;
      const where = watched.length ? ` (namespaces ${watched.join(', ')}, STEWARD_WATCH_NAMESPACES)` : '';
      throw new NotFoundError(`no ${kind} on network ${target.network} in the cluster at ${kube.server}${where}: create a validator first`);
    }
    return undefined;
  }
  return kubeGet<Resource>(kube, resourcePath(target), `${kind} ${target.ref}`, `create it first (kubectl apply -f ...), or check the namespace and name`);
}

/** `steward signal <signal> <kind> <ref> [argument]`: signals a running workflow. */
export async function signalCommand(args: string[]): Promise<CommandResult> {
  const [name, ...rest] = args;
  const target = parseTarget(rest, 'signal', stewardScopeFromEnv().cluster);
  const known = target.spec.signals;
  const signal = known[name ?? ''];
  if (!signal) {
    throw new UsageError(`a ${target.spec.kind} workflow takes the signals ${Object.keys(known).join(', ')}; got '${name ?? ''}'`);
  }
  const argument = rest[2];
  if (signal.argument && !argument) throw new UsageError(`signal ${name} needs a ${signal.argument}: steward signal ${name} ${target.spec.kind} ${target.ref} <${signal.argument}>`);
  const client = await connectTemporal();
  try {
    const handle = client.workflow.getHandle(target.id);
    await withWorkflow(target, () => (signal.argument ? handle.signal(signal.definition as never, argument as never) : handle.signal(signal.definition as never)));
  } finally {
    await client.connection.close();
  }
  return { output: `signalled ${name}${argument && signal.argument ? ` ${argument}` : ''} to ${target.id}\n${uiLink(target.id)}`, exitCode: 0 };
}

/**
 * `steward status [<kind> <ref>] [--json] [--watch [--interval S]]`: a workflow's latest decision as a
 * table, or one line per running workflow; `--watch` redraws until Ctrl-C.
 */
export async function statusCommand(args: string[]): Promise<CommandResult> {
  const { values, positionals } = options(args, { json: { type: 'boolean', default: false }, watch: { type: 'boolean', default: false }, interval: { type: 'string', default: '2' } });
  const target = positionals.length ? parseTarget(positionals, 'status', stewardScopeFromEnv().cluster) : undefined;
  const interval = Number(values.interval);
  if (!(interval > 0)) throw new UsageError(`--interval needs a number of seconds above 0, got '${values.interval}'`);
  const client = await connectTemporal();
  const render = (): Promise<string> => (target ? oneStatus(client, target, values.json) : allStatus(client, values.json));
  try {
    if (!values.watch) return { output: await render(), exitCode: 0 };
    await watch(render, interval);
    return { output: '', exitCode: 0 };
  } finally {
    await client.connection.close();
  }
}

async function oneStatus(client: Client, target: Target, json: boolean): Promise<string> {
  const handle = client.workflow.getHandle(target.id);
  const description = await withWorkflow(target, () => handle.describe());
  if (description.status.name !== 'RUNNING') {
    throw new NotFoundError(`workflow ${target.id} is not running (${description.status.name}): start it with '${startHint(target)}'`);
  }
  const view = await withWorkflow(target, () => handle.query(target.spec.query));
  if (json) return JSON.stringify(view, null, 2);
  return `${renderView(target.spec.kind, view)}\n${uiLink(target.id)}`;
}

/** One line per running Steward workflow (its kind's summary of the latest query), or JSON. */
export async function allStatus(client: Client, json: boolean): Promise<string> {
  const rows: { id: string; kind: KindSpec; view?: unknown; error?: string }[] = [];
  for await (const execution of client.workflow.list({ query: runningQuery() })) {
    const kind = kindOfWorkflowType(execution.type);
    if (!kind) continue;
    try {
      rows.push({ id: execution.workflowId, kind, view: await client.workflow.getHandle(execution.workflowId).query(kind.query) });
    } catch (error) {
      rows.push({ id: execution.workflowId, kind, error: (error as Error).message });
    }
  }
  rows.sort((a, b) => a.id.localeCompare(b.id));
  if (json) return JSON.stringify(rows.map((r) => ({ workflowId: r.id, kind: r.kind.kind, view: r.view, error: r.error })), null, 2);
  if (!rows.length) return "no Steward workflow is running: start them with 'steward start --all' (or run a worker, which starts them)";
  const body = table(['WORKFLOW', 'STATUS'], rows.map((r) => [r.id, r.view === undefined ? `no answer: ${r.error ?? ''}` : summaryLine(r.kind.kind, r.view)]));
  return `${body}\nWeb UI: ${uiWorkflows()}`;
}

/** Redraws `render` every `seconds` until SIGINT or SIGTERM; a failed render shows in its frame. */
async function watch(render: () => Promise<string>, seconds: number): Promise<void> {
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopped) {
    let frame: string;
    try {
      frame = await render();
    } catch (error) {
      frame = `steward: ${(error as Error).message}`;
    }
    const clear = process.stdout.isTTY ? '\x1b[2J\x1b[H' : '';
    console.log(`${clear}every ${seconds} s, Ctrl-C to stop; ${new Date().toISOString()}\n${frame}\n`);
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, seconds * 1000);
    });
  }
}

/** `steward list`: the running Steward workflows. */
export async function listCommand(): Promise<CommandResult> {
  const client = await connectTemporal();
  const rows: string[][] = [];
  try {
    for await (const execution of client.workflow.list({ query: runningQuery() })) {
      rows.push([execution.workflowId, kindOfWorkflowType(execution.type)?.kind ?? execution.type, execution.startTime.toISOString()]);
    }
  } finally {
    await client.connection.close();
  }
  if (!rows.length) return { output: 'no Steward workflow is running', exitCode: 0 };
  rows.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
  return { output: `${table(['WORKFLOW', 'KIND', 'STARTED'], rows)}\nWeb UI: ${uiBase()}`, exitCode: 0 };
}

/**
 * `steward stop <kind> <ref>`: marks the resource stopped (annotation `steward.stellar.org/stopped`; a
 * validator set: every StellarNode of its network), so the watches do not restart it, then terminates the
 * workflow. The resources it manages stay. NotFoundError when there is neither a resource nor a workflow.
 */
export async function stopCommand(args: string[]): Promise<CommandResult> {
  const target = parseTarget(args, 'stop', stewardScopeFromEnv().cluster);
  const kube = cliKube();
  // Mark first: a watch event between the two steps then finds the mark and starts nothing.
  const objects = await markableObjects(kube, target);
  await setStopMark(kube, target, objects, true);
  const client = await connectTemporal();
  let terminated = true;
  try {
    await client.workflow.getHandle(target.id).terminate('stopped with steward stop');
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    terminated = false;
  } finally {
    await client.connection.close();
  }
  const { kind } = target.spec.resource;
  if (!terminated && !objects.length) {
    throw new NotFoundError(`workflow ${target.id} is not running and no ${kind} ${target.ref} exists in the cluster at ${kube.server}: nothing to stop`);
  }
  const marked = objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).join(', ');
  return {
    output: [
      terminated ? `stopped ${target.id}` : `workflow ${target.id} was not running`,
      objects.length ? `marked ${kind} ${marked} with ${STOPPED_ANNOTATION}=true: the worker's watches will not restart it; '${startHint(target)}' resumes it` : '',
      'the resources it manages are left as they are',
      uiLink(target.id),
    ].filter(Boolean).join('\n'),
    exitCode: 0,
  };
}

/** The visibility query of the running workflows on the CLI's task queue (STEWARD_TASK_QUEUE). */
function runningQuery(): string {
  return `TaskQueue = '${stewardScopeFromEnv().taskQueue}' AND ExecutionStatus = 'Running'`;
}

async function withWorkflow<T>(target: Target, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError || /not found|already completed/i.test((error as Error).message)) {
      throw new NotFoundError(`workflow ${target.id} is not running: start it with '${startHint(target)}' (or run a worker, which starts it when the resource exists)`);
    }
    throw error;
  }
}

export { TARGET_HELP };
