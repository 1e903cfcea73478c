// Freezes a local PostgreSQL server without closing its connections, as a hung host or a network
// partition would: SIGSTOP to the postmaster and every process it started, SIGCONT to resume.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { PostgresServer } from '../stack/index.js';

/**
 * The postmaster of `server` (first line of `postmaster.pid` in its data directory) and its children
 * (backends, WAL receiver, startup process, ...), postmaster first. Throws when the server is not running.
 */
export function serverProcesses(server: PostgresServer): number[] {
  const pidFile = path.join(server.dataDir, 'postmaster.pid');
  const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(postmaster) || postmaster <= 0) throw new Error(`${pidFile} names no postmaster`);
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)]).toString();
  return [postmaster, ...children.split('\n').map((line) => Number(line.trim())).filter((pid) => Number.isInteger(pid) && pid > 0)];
}

/**
 * Stops (SIGSTOP) the postmaster of `server` and its children, postmaster first so it forks no new
 * backend, and returns a function that resumes (SIGCONT) them all. Call the resume in a `finally`.
 */
export function freezeServer(server: PostgresServer): () => void {
  const pids = serverProcesses(server);
  const stopped: number[] = [];
  const resume = (): void => {
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
  };
  try {
    for (const pid of pids) {
      process.kill(pid, 'SIGSTOP');
      stopped.push(pid);
    }
  } catch (error) {
    resume();
    throw error;
  }
  return resume;
}

/**
 * Runs `readers` loops of `read` for `durationMs` while `server` is frozen (`freezeServer`), then resumes it,
 * whatever happens. `read` records its own outcome and must not throw.
 */
export async function readWhileFrozen(server: PostgresServer, readers: number, durationMs: number, read: () => Promise<void>): Promise<void> {
  let reading = true;
  const loop = async (): Promise<void> => {
    while (reading) await read();
  };
  const resume = freezeServer(server);
  try {
    const loops = Array.from({ length: readers }, loop);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    reading = false;
    await Promise.all(loops);
  } finally {
    resume();
  }
}
