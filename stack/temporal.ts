import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from './ports.js';
import { STEWARD_SEARCH_ATTRIBUTES } from '../worker/start-options.js';
import { runningPid, SERVER_READY_TIMEOUT_MS, startServer, stopServers, waitFor } from './process.js';

/** Where a running Temporal dev server answers. */
export interface TemporalEndpoint {
  address: string;
  namespace: string;
  /** Web UI, absent when started headless. */
  uiUrl?: string;
}

/** Options for `startTemporal`. */
export interface TemporalOptions {
  stateDir: string;
  /** Path of the `temporal` CLI binary. */
  executable: string;
  /** Keep history in a SQLite file in the state dir (the demo); in memory otherwise (tests). */
  persistent?: boolean;
  /** Serve the Web UI on this port; headless when absent. */
  uiPort?: number;
  /** Port of the frontend; a free one when absent. */
  port?: number;
  log?: (message: string) => void;
}

const NAME = 'temporal';

/**
 * Starts the Temporal CLI's dev server on 127.0.0.1 (or reuses the one already running for this state
 * dir), registers the Steward search attributes and waits until the frontend answers.
 */
export async function startTemporal(options: TemporalOptions): Promise<TemporalEndpoint> {
  const endpointFile = path.join(options.stateDir, 'temporal.json');
  if (runningPid(options.stateDir, NAME) !== undefined && fs.existsSync(endpointFile)) {
    return JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as TemporalEndpoint;
  }
  const port = options.port ?? (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', 'default'];
  args.push('--log-level', 'warn');
  for (const name of STEWARD_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${name}=Keyword`);
  if (options.persistent) args.push('--db-filename', path.join(options.stateDir, 'temporal.sqlite'));
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-ip', '127.0.0.1', '--ui-port', String(options.uiPort));
  const server = startServer({ name: NAME, command: options.executable, args, stateDir: options.stateDir });
  const endpoint: TemporalEndpoint = { address: `127.0.0.1:${port}`, namespace: 'default' };
  if (options.uiPort !== undefined) endpoint.uiUrl = `http://127.0.0.1:${options.uiPort}`;
  await waitFor(() => temporalAnswers(endpoint.address), {
    what: `Temporal dev server on ${endpoint.address}`,
    timeoutMs: SERVER_READY_TIMEOUT_MS,
    log: options.log,
    logFile: server.logFile,
    pid: server.pid,
  });
  fs.writeFileSync(endpointFile, JSON.stringify(endpoint));
  return endpoint;
}

/** Stops the Temporal dev server of a state dir, if one runs. */
export async function stopTemporal(stateDir: string): Promise<void> {
  await stopServers(stateDir, [NAME]);
}

/** True when a Temporal frontend answers a system-info call at `address`. */
export async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}
