// The real worker (dist/worker/main.js with the workflow threads' preload, as the container's entry point
// starts it) as a child process that the chaos and scale benchmarks can SIGKILL and start again.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { workerNodeArgs } from '../worker/entry-point.js';

const RUNNING_LINE = 'Steward worker running';

/** Where the worker points: the variables `worker/run.ts` reads. */
export interface WorkerProcessOptions {
  temporalAddress: string;
  temporalNamespace: string;
  kubeconfigPath: string;
  taskQueue: string;
  /** Watch only this namespace. */
  namespace: string;
  /** Every worker's output is appended here, one header line per start. */
  logFile: string;
  /** Serve /metrics here (`127.0.0.1:port`); off when absent. */
  metricsAddress?: string;
  /** More settings of the worker (e.g. `STEWARD_MAX_CACHED_WORKFLOWS`). */
  env?: Record<string, string>;
}

/** One worker process at a time: `start`, `kill` (SIGKILL, no cleanup), `stop` (SIGTERM). */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private running: Promise<void> | undefined;
  starts = 0;

  constructor(private readonly options: WorkerProcessOptions) {}

  /** The pid of the last started worker while it runs (for `/proc` readings), else undefined. */
  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /**
   * Starts a new worker process and returns at once; `running` resolves when it logs that it polls.
   * Throws when one is already running.
   */
  start(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) throw new Error('a worker process is already running');
    const o = this.options;
    fs.appendFileSync(o.logFile, `--- worker start ${this.starts + 1} at ${new Date().toISOString()} ---\n`);
    // BENCH_WORKER_NODE_ARGS passes Node options to the worker alone (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
    // to profile it, which NODE_OPTIONS does not allow).
    const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, ...workerNodeArgs()], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, TEMPORAL_ADDRESS: o.temporalAddress, TEMPORAL_NAMESPACE: o.temporalNamespace, KUBECONFIG: o.kubeconfigPath,
        STEWARD_TASK_QUEUE: o.taskQueue, STEWARD_WATCH_NAMESPACE: o.namespace, STEWARD_LOG_FORMAT: 'json',
        // As the image runs the worker (see the Dockerfile); set MALLOC_ARENA_MAX to measure another value.
        MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
        ...(o.metricsAddress ? { STEWARD_METRICS_ADDRESS: o.metricsAddress } : { STEWARD_METRICS_PORT: '0' }),
        // One identity for every start, as the pod name is for a container restarted in its pod: a new process
        // resumes the killed one's Lease at once instead of waiting out the lease duration.
        STEWARD_LEASE_IDENTITY: `worker-${o.taskQueue}`,
        ...o.env,
      },
    });
    this.child = child;
    this.starts += 1;
    let seen = '';
    this.running = new Promise((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        fs.appendFileSync(o.logFile, chunk);
        if (seen !== RUNNING_LINE) {
          seen = chunk.toString().includes(RUNNING_LINE) ? RUNNING_LINE : seen;
          if (seen === RUNNING_LINE) resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => reject(new Error(`the worker exited (${signal ?? code}) before it polled; see ${o.logFile}`)));
    });
    this.running.catch(() => undefined);
  }

  /** Resolves when the last started worker polls its task queue; throws if it exited first or after `timeoutMs`. */
  async ready(timeoutMs = 120_000): Promise<void> {
    if (!this.running) throw new Error('no worker process was started');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the worker did not poll within ${timeoutMs} ms; see ${this.options.logFile}`)), timeoutMs);
    });
    try {
      await Promise.race([this.running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs the running worker (no shutdown, no drain) and waits until it is gone. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops the running worker cleanly (SIGTERM) and waits until it is gone. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
