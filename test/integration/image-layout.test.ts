import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createNamespace, eventually, kube, stack, temporalClient, uniqueName } from './support.js';
import { WORKER_NODE_ARGS } from '../../worker/entry-point.js';

// No Docker engine here, so this test lays out the image's final stage as the Dockerfile describes it
// (production node_modules only, dist, crds, bin, package.json) in a temporary directory and runs the
// entry point from there, as the ServiceAccount, against the suite stack.
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const run = promisify(execFile);

/** The paths the Dockerfile's final stage copies, relative to /app. */
function finalStageCopies(): string[] {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  return [...finalStage.matchAll(/^COPY (?:--from=\w+ )?(\S+) (\S+)$/gm)]
    .map(([, source = '', target = '']) => (target.endsWith('/') ? path.basename(source) : path.normalize(target)));
}

describe('the worker image layout (the Dockerfile\'s final stage, without Docker)', () => {
  let app: string;
  let worker: ChildProcess | undefined;
  let stderr = '';
  let ns: string;
  const taskQueue = uniqueName('image-queue');

  beforeAll(async () => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-image-'));
    const copies = finalStageCopies();
    expect(copies.sort()).toEqual(['bin', 'crds', 'dist', 'node_modules', 'package.json']);
    for (const target of copies) {
      if (target === 'node_modules') continue;
      fs.cpSync(path.join(ROOT, target), path.join(app, target), { recursive: true });
    }
    // The build stage runs `npm prune --omit=dev` on its node_modules: the same here, from this checkout's.
    fs.copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(app, 'package-lock.json'));
    fs.cpSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), { recursive: true });
    await run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app });
    fs.rmSync(path.join(app, 'package-lock.json'));
    ns = await createNamespace('image');
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    const client = await temporalClient();
    await client.workflow.getHandle(`tenant/${ns}/t`).terminate().catch(() => undefined);
    await client.connection.close();
    if (app) fs.rmSync(app, { recursive: true, force: true });
  });

  it('has no devDependency left, and its steward command answers', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    // @types/* may stay: production packages (the Kubernetes client, say) depend on @types/node.
    const tools = Object.keys(pkg.devDependencies).filter((name) => !name.startsWith('@types/'));
    expect(tools).toEqual(expect.arrayContaining(['jest', 'typescript', 'eslint']));
    for (const name of tools) expect({ name, present: fs.existsSync(path.join(app, 'node_modules', name)) }).toEqual({ name, present: false });
    const help = await run(process.execPath, [path.join(app, 'bin', 'steward.js'), 'help'], { cwd: app });
    expect(help.stdout).toContain('usage: steward <command>');
  });

  it('runs the entry point as the ServiceAccount and brings a Tenant to Ready', async () => {
    worker = spawn(process.execPath, WORKER_NODE_ARGS, {
      cwd: app,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production',
        TEMPORAL_ADDRESS: stack().temporal.address, KUBECONFIG: path.join(stack().stateDir, 'worker-kubeconfig.yaml'),
        STEWARD_TASK_QUEUE: taskQueue, STEWARD_WATCH_NAMESPACE: ns, STEWARD_METRICS_PORT: '0', STEWARD_LOG_FORMAT: 'json',
      },
    });
    worker.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await eventually(async () => stderr, (text) => text.includes('Steward worker running') || worker?.exitCode !== null, 60_000, 'the worker to start');
    expect({ exitCode: worker.exitCode, stderr: worker.exitCode === null ? '' : stderr }).toEqual({ exitCode: null, stderr: '' });

    await kube().apply(`/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`, {
      apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 't', namespace: ns },
      spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] },
    });
    const tenant = await eventually(() => kube().request<{ status?: { currentState?: string } }>('GET', `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`),
      (t) => t.status?.currentState === 'Ready', 90_000, `Tenant ${ns}/t Ready (worker log: ${stderr.slice(-500)})`);
    expect(tenant.status?.currentState).toBe('Ready');
    const client = await temporalClient();
    const handle = client.workflow.getHandle(`tenant/${ns}/t`);
    const described = await handle.describe();
    // The entry point's preload left the SDK's workflow stack traces off (STEWARD_WORKFLOW_STACK_TRACES unset),
    // and kept the SDK's misleading "not available" warning out of the log.
    const stackTrace = await handle.query<string>('__stack_trace').then((trace) => `answered: ${trace}`, (error: Error) => error.message);
    await client.connection.close();
    expect(described.taskQueue).toBe(taskQueue); // this worker's, not another test's
    expect(stackTrace).toContain('Workflow stack traces are not enabled on this worker');
    expect(stderr).toContain('"workflowStackTraces":"off"');
    expect(stderr).not.toContain('createHook');

    const exited = new Promise<number | null>((resolve) => worker?.on('exit', resolve));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
