import { startServer, waitFor, type ServerHandle } from '../process.js';
import { etcdBinary } from './binaries.js';
import type { KubeLayout, KubePorts } from './layout.js';

/** The client URL of the stack's etcd (plain HTTP on loopback). */
export function etcdUrl(ports: KubePorts): string {
  return `http://127.0.0.1:${ports.etcdClient}`;
}

/** The etcd command-line flags: one member on loopback client and peer ports, data in the state dir. */
export function etcdArgs(layout: KubeLayout, ports: KubePorts): string[] {
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name', 'steward',
    '--data-dir', layout.etcdDataDir,
    '--listen-client-urls', etcdUrl(ports),
    '--advertise-client-urls', etcdUrl(ports),
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `steward=${peer}`,
    '--log-level', 'warn',
  ];
}

/**
 * Starts etcd detached and waits (up to `timeoutMs`, default 30 s) until `/health` reports healthy.
 * Throws naming etcd, with its log tail, when it exits or does not become healthy.
 */
export async function startEtcd(layout: KubeLayout, ports: KubePorts, timeoutMs = 30_000): Promise<ServerHandle> {
  const handle = startServer({ name: 'etcd', command: etcdBinary(), args: etcdArgs(layout, ports), stateDir: layout.stateDir });
  await waitFor(() => etcdHealthy(ports), {
    what: `etcd on ${etcdUrl(ports)} (data in ${layout.etcdDataDir}; delete it if it is corrupt)`,
    timeoutMs,
    intervalMs: 100,
    logFile: handle.logFile,
    pid: handle.pid,
  });
  return handle;
}

/** True when etcd answers `/health` with `"health":"true"`. */
export async function etcdHealthy(ports: KubePorts): Promise<boolean> {
  const response = await fetch(`${etcdUrl(ports)}/health`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) return false;
  const body = (await response.json()) as { health?: string };
  return body.health === 'true';
}
