import { startServer, waitFor, type ServerHandle } from '../process.js';
import { pinnedBinary } from './binaries.js';
import { etcdUrl } from './etcd.js';
import { httpsOk } from './https-probe.js';
import type { KubeLayout, KubePorts } from './layout.js';
import { SERVICE_CIDR } from './network.js';
import type { Pki } from './pki.js';

/** The issuer of service-account tokens (the in-cluster name of the API server). */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The API server's URL on loopback. */
export function apiserverUrl(ports: KubePorts): string {
  return `https://127.0.0.1:${ports.apiserver}`;
}

/**
 * kube-apiserver flags, the envtest way: secure port only, on 127.0.0.1; client certificates from the
 * stack's CA; RBAC. `--advertise-address=127.0.0.1` with `--endpoint-reconciler-type=none`: the API server
 * refuses loopback Endpoints addresses, so the `kubernetes` Service gets no endpoints (nothing in the
 * stack dials it: pods are KWOK fakes). Priority and fairness is off (one client, faster start-up).
 */
export function apiserverArgs(layout: KubeLayout, ports: KubePorts, pki: Pki): string[] {
  return [
    `--etcd-servers=${etcdUrl(ports)}`,
    `--cert-dir=${pki.dir}`,
    `--tls-cert-file=${pki.apiserver.cert}`,
    `--tls-private-key-file=${pki.apiserver.key}`,
    `--client-ca-file=${pki.ca.cert}`,
    `--secure-port=${ports.apiserver}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--allow-privileged=true',
    '--authorization-mode=RBAC',
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--enable-priority-and-fairness=false',
    '--v=0',
  ];
}

/**
 * Starts kube-apiserver detached and waits (up to `timeoutMs`, default 90 s) until `/readyz` answers 200
 * to the admin certificate. Throws naming kube-apiserver, with its log tail, on exit or timeout.
 */
export async function startApiserver(binDir: string, layout: KubeLayout, ports: KubePorts, pki: Pki, timeoutMs = 90_000): Promise<ServerHandle> {
  const handle = startServer({
    name: 'kube-apiserver',
    command: pinnedBinary(binDir, 'kube-apiserver'),
    args: apiserverArgs(layout, ports, pki),
    stateDir: layout.stateDir,
  });
  await waitFor(() => apiserverReady(ports, pki), {
    what: `kube-apiserver on ${apiserverUrl(ports)} (is etcd up? see etcd.log)`,
    timeoutMs,
    intervalMs: 150,
    logFile: handle.logFile,
    pid: handle.pid,
  });
  return handle;
}

/** True when the API server's `/readyz` answers 200 to the admin certificate. */
export function apiserverReady(ports: KubePorts, pki: Pki): Promise<boolean> {
  return httpsOk(`${apiserverUrl(ports)}/readyz`, { caCert: pki.ca.cert, client: pki.clients.admin });
}
