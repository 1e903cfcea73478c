import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** How to start one server process of the local stack. */
export interface ServerSpec {
  /** Short name used for the pid file, the log file and messages (e.g. `etcd`). */
  name: string;
  command: string;
  args: string[];
  /** Directory for `<name>.pid` and `<name>.log`. */
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this uid/gid (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

/** A started server: its pid and where it logs. */
export interface ServerHandle {
  name: string;
  pid: number;
  logFile: string;
}

/**
 * Starts a server detached from this process, logging to `<stateDir>/<name>.log`, and records its pid
 * in `<stateDir>/<name>.pid` so that `stopServers` (from this or another process) can stop it.
 */
export function startServer(spec: ServerSpec): ServerHandle {
  fs.mkdirSync(spec.stateDir, { recursive: true });
  const logFile = path.join(spec.stateDir, `${spec.name}.log`);
  const log = fs.openSync(logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log],
    uid: spec.uid,
    gid: spec.gid,
  });
  fs.closeSync(log);
  if (child.pid === undefined) {
    throw new Error(`could not start ${spec.name} (${spec.command}): is it installed? See ${logFile}`);
  }
  child.unref();
  fs.writeFileSync(path.join(spec.stateDir, `${spec.name}.pid`), String(child.pid));
  return { name: spec.name, pid: child.pid, logFile };
}

/** True when a process with this pid exists and has not exited (an unreaped zombie counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The pid recorded for a server in a state directory, if it is still running. */
export function runningPid(stateDir: string, name: string): number | undefined {
  const file = path.join(stateDir, `${name}.pid`);
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** The last lines of a log file, for error messages. */
export function logTail(logFile: string, lines = 15): string {
  if (!fs.existsSync(logFile)) return '(no log)';
  const all = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/**
 * Stops the servers recorded in a state directory, in the given order: SIGTERM to the process group,
 * then SIGKILL for whatever is still alive after `graceMs`.
 */
export async function stopServers(stateDir: string, names: string[], graceMs = 5000): Promise<void> {
  for (const name of names) {
    const pid = runningPid(stateDir, name);
    if (pid !== undefined) {
      signalGroup(pid, 'SIGTERM');
      await waitUntil(() => !isAlive(pid), graceMs);
      if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
    }
    fs.rmSync(path.join(stateDir, `${name}.pid`), { force: true });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(100);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * How long a server of the local stack gets to answer after its start. Generous, since a wait ends as
 * soon as the server answers (or at once when its process dies): on a loaded CI machine with a slow disk,
 * PostgreSQL's setup took 36 s and etcd's first WAL fsync 2.8 s.
 */
export const SERVER_READY_TIMEOUT_MS = 180_000;

/** Options for `waitFor`. */
export interface WaitOptions {
  /** What is awaited, for messages ("Temporal server on 127.0.0.1:7233"). */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Log file whose tail is quoted when the wait times out. */
  logFile?: string;
  /** Process that must stay alive while waiting; its death fails the wait at once. */
  pid?: number;
  /** Where a long wait reports that it still waits, every `progressMs` (15 s by default). */
  log?: (message: string) => void;
  progressMs?: number;
}

/**
 * Polls `check` until it returns true. Throws an error naming what was awaited, with the tail of the
 * server's log, when the deadline passes or the server process dies.
 */
export async function waitFor(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const progressMs = options.progressMs ?? 15_000;
  let nextProgress = started + progressMs;
  for (;;) {
    // Only a check begun after the deadline can time the wait out: when this process's own event loop
    // stalled (a synchronous child process, a loaded machine), a check begun before is stale.
    const checkedAt = Date.now();
    if (await check().catch(() => false)) return;
    const died = options.pid !== undefined && !isAlive(options.pid);
    if (options.log && !died && Date.now() >= nextProgress) {
      options.log(`still waiting for ${options.what} (${Math.round((Date.now() - started) / 1000)} s of at most ${Math.round(options.timeoutMs / 1000)} s)`);
      nextProgress = Date.now() + progressMs;
    }
    if (died || checkedAt > deadline) {
      const why = died ? 'its process exited' : `not ready after ${Math.round(options.timeoutMs / 1000)} s`;
      const tail = options.logFile ? `\n--- last lines of ${options.logFile} ---\n${logTail(options.logFile)}` : '';
      throw new Error(`${options.what}: ${why}${tail}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/**
 * Stops `server` on the first SIGTERM or SIGINT (later ones are ignored while it stops), then exits 0, or
 * 1 with the error printed when stopping failed: the entry points of the stack's own servers.
 */
export function stopOnSignals(server: { stop(): Promise<void> }, log: (message: string) => void): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping`);
      server.stop().then(() => process.exit(0), (error: unknown) => {
        console.error(error);
        process.exit(1);
      });
    });
  }
}
