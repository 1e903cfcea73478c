import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { installCrds } from '../kube/crds.js';
import { KubeRest, type RequestOptions } from '../kube/rest.js';
import { startStack, type StackInfo } from '../stack/index.js';
import { createWorker } from '../worker/worker.js';

/** A KubeRest that counts the requests that write (anything but GET). */
export class CountingKube extends KubeRest {
  writes = 0;
  override async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    if (method !== 'GET') this.writes += 1;
    return super.request<T>(method, path, options);
  }
}

/** The benchmark's stack, clients and a worker on its own task queue. */
export interface BenchEnv {
  info: StackInfo;
  kube: KubeRest;
  workerKube: CountingKube;
  client: Client;
  taskQueue: string;
  worker: Worker;
  stop: () => Promise<void>;
}

/**
 * The stack a benchmark runs on: the running stack whose state directory is `STEWARD_STACK_DIR` (the
 * integration suite's), else the named local stack `BENCH_STACK` (default `bench`), started if needed.
 */
export async function benchStack(env: NodeJS.ProcessEnv = process.env): Promise<StackInfo> {
  const dir = env.STEWARD_STACK_DIR;
  if (dir) {
    const file = path.join(dir, 'stack.json');
    if (!fs.existsSync(file)) throw new Error(`STEWARD_STACK_DIR=${dir} has no stack.json: start that stack first, or unset STEWARD_STACK_DIR to use the bench stack`);
    return JSON.parse(fs.readFileSync(file, 'utf8')) as StackInfo;
  }
  return startStack({ name: env.BENCH_STACK || 'bench', ledgerIntervalMs: 1000 });
}

/** The command that stops the stack a benchmark ran on, or a note that it is someone else's. */
export function stackNote(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEWARD_STACK_DIR) return `the stack in ${env.STEWARD_STACK_DIR} keeps running`;
  return `the bench stack keeps running: node bin/steward.js stack down --name ${env.BENCH_STACK || 'bench'}`;
}

/** Starts (or attaches to) the benchmark's stack (see `benchStack`), installs the CRDs and runs a worker in this process. */
export async function benchEnv(): Promise<BenchEnv> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const info = await benchStack();
  if (!info.kube) throw new Error('benchmarks need the Kubernetes part of the stack');
  const kube = KubeRest.fromFile(info.kube.kubeconfigPath);
  await installCrds(kube);
  const workerKube = new CountingKube(kube.config);
  const taskQueue = `bench-${process.pid}`;
  const worker = await createWorker({ address: info.temporal.address, namespace: info.temporal.namespace, connection: { address: info.temporal.address } }, { kube: workerKube }, taskQueue);
  const running = worker.run();
  const connection = await Connection.connect({ address: info.temporal.address });
  const client = new Client({ connection, namespace: info.temporal.namespace });
  return {
    info, kube, workerKube, client, taskQueue, worker,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** Polls until `check` holds; returns the elapsed milliseconds. Throws after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 20): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} not reached in ${timeoutMs} ms`);
}
