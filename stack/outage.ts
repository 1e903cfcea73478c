// Outages of one server of a running local stack, for the chaos benchmark and tests: stop the
// kube-apiserver or the Temporal dev server and start it again as it was (same flags, ports and data).
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { KubeRest } from '../kube/rest.js';
import { isAlive, runningPid, sleep, startServer, stopServers, waitFor } from './process.js';
import { temporalAnswers } from './temporal.js';

/** A server of the stack that can be taken down and brought back. */
export type OutageTarget = 'kube-apiserver' | 'temporal';

/** How a stopped server is started again: the command line it ran with, read from `/proc` at the stop. */
interface RecordedCommand {
  command: string;
  args: string[];
  cwd: string;
}

/** Options of `takeDown`. */
export interface TakeDownOptions {
  /** SIGKILL at once (a crash) instead of SIGTERM with a 5 s grace (a clean stop). Default false. */
  kill?: boolean;
}

/**
 * Stops one server of the running stack in `stateDir` (as `StackInfo.stateDir`), keeping its data, and
 * records its command line in `<name>.command.json` beside its pid file so `bringBack` can bring it
 * back. Stopping Temporal throws when its history is in memory (a stack started without `persistent`):
 * a restart would lose every workflow. Throws, naming the server, when it is not running.
 */
export async function takeDown(stateDir: string, target: OutageTarget, options: TakeDownOptions = {}): Promise<void> {
  const dir = serverDir(stateDir, target);
  const pid = runningPid(dir, target);
  if (pid === undefined) throw new Error(`${target} of the stack in ${stateDir} is not running: start the stack first (steward stack up)`);
  const recorded = readCommandLine(pid);
  if (target === 'temporal' && !recorded.args.includes('--db-filename')) {
    throw new Error(`the Temporal dev server in ${stateDir} keeps history in memory, so a restart would lose it: ` +
      'start the stack with persistent: true (steward stack up does)');
  }
  fs.writeFileSync(commandFile(dir, target), JSON.stringify(recorded));
  if (options.kill) {
    signalGroup(pid, 'SIGKILL');
    await waitFor(async () => !isAlive(pid), { what: `${target} (pid ${pid}) to exit after SIGKILL`, timeoutMs: 10_000, intervalMs: 50 });
  }
  await stopServers(dir, [target]);
}

/**
 * Starts a server stopped by `takeDown` with the same command line (same ports, same data) and waits
 * until it answers: the API server's `/readyz` with the stack's admin credentials, or Temporal's
 * system info. Returns the milliseconds from the start to the first answer. Throws when no command was
 * recorded or the server does not answer within `timeoutMs` (default 90 s), quoting its log.
 */
export async function bringBack(stateDir: string, target: OutageTarget, timeoutMs = 90_000): Promise<number> {
  const dir = serverDir(stateDir, target);
  const file = commandFile(dir, target);
  if (!fs.existsSync(file)) throw new Error(`${target} of the stack in ${stateDir} was not taken down by takeDown (no ${file}): nothing to restart`);
  if (runningPid(dir, target) !== undefined) throw new Error(`${target} of the stack in ${stateDir} is already running`);
  const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as RecordedCommand;
  const started = performance.now();
  const server = startServer({ name: target, command: recorded.command, args: recorded.args, cwd: recorded.cwd, stateDir: dir });
  const answers = target === 'temporal' ? temporalAnswerer(recorded.args) : apiServerAnswerer(stateDir);
  await waitFor(answers, { what: `${target} restarted in ${stateDir}`, timeoutMs, intervalMs: 50, logFile: server.logFile, pid: server.pid });
  fs.rmSync(file, { force: true });
  return performance.now() - started;
}

/**
 * Takes `target` down for `downMs` and brings it back: `takeDown`, a wait, `bringBack`.
 * Returns the milliseconds the restart took until the server answered.
 */
export async function outage(stateDir: string, target: OutageTarget, downMs: number, options: TakeDownOptions = {}): Promise<number> {
  await takeDown(stateDir, target, options);
  await sleep(downMs);
  return bringBack(stateDir, target);
}

/** Where a server's pid file lives: the API server under `kube/`, Temporal in the state dir itself. */
function serverDir(stateDir: string, target: OutageTarget): string {
  return target === 'kube-apiserver' ? path.join(stateDir, 'kube') : stateDir;
}

function commandFile(dir: string, target: OutageTarget): string {
  return path.join(dir, `${target}.command.json`);
}

function readCommandLine(pid: number): RecordedCommand {
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  const [command, ...args] = argv;
  if (!command) throw new Error(`process ${pid} has no command line (it exited?)`);
  return { command, args, cwd: fs.readlinkSync(`/proc/${pid}/cwd`) };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    process.kill(pid, signal);
  }
}

function temporalAnswerer(args: readonly string[]): () => Promise<boolean> {
  const ip = args[args.indexOf('--ip') + 1] ?? '127.0.0.1';
  const port = args[args.indexOf('--port') + 1];
  if (!port) throw new Error('the recorded Temporal command line has no --port');
  return () => temporalAnswers(`${ip}:${port}`);
}

function apiServerAnswerer(stateDir: string): () => Promise<boolean> {
  const kube = KubeRest.fromFile(path.join(stateDir, 'kubeconfig'));
  return () => readyz(kube);
}

/** True when the API server's `/readyz` answers 200 to the admin (plain text, so not through `request`). */
async function readyz(kube: KubeRest): Promise<boolean> {
  const options: https.RequestOptions = { method: 'GET', timeout: 2000 };
  await kube.config.applyToHTTPSOptions(options);
  return new Promise((resolve) => {
    const request = https.request(new URL('/readyz', kube.server), options, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
    request.end();
  });
}
