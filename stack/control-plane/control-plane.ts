import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { KubeRest } from '../../kube/rest.js';
import { freePort } from '../ports.js';
import { runningPid, SERVER_READY_TIMEOUT_MS, startServer, stopServers, waitFor, type ServerHandle } from '../process.js';
import { writeKubeconfig } from './kubeconfig.js';
import { ensurePki, type Pki } from './pki.js';
import { ensureFakeNodes, ensureStorageClass, podNetworkOctet } from './cluster-objects.js';

/** Options of `startKube`. */
export interface KubeOptions {
  stateDir: string;
  /** Where kube-apiserver, kube-controller-manager, kube-scheduler and kwok are. */
  binDir: string;
  nodeCount?: number;
  /** Where etcd keeps its data: `<stateDir>/kube/etcd-data` by default; a tmpfs directory for a stack that need not persist. */
  etcdDataDir?: string;
  log?: (message: string) => void;
}

/** A running local control plane. */
export interface KubeStack {
  kubeconfigPath: string;
  server: string;
}

/** KWOK pod stages: the built-in fast ones, plus a crash loop for images tagged `rustfs/rustfs:broken`. */
const KWOK_STAGES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'stack', 'control-plane', 'kwok-stages.yaml');
/**
 * Service ClusterIPs come from `127.<octet>.240.0/20`, beside the stack's pod CIDRs (`127.<octet>.N.0/24`,
 * N < 240) and inside loopback, so that the service proxy of the gateway part can serve them and a
 * Gateway that dials ClusterIPs stays on this machine. 4,094 addresses: every pool takes one for its read
 * Service, and the /24 this was before ran out at about 250 pools (`failed to allocate a serviceIP: range
 * is full`, found by bench/scale.ts). The /20 contains the old /24, so a stack's existing Services stay valid.
 */
export function serviceRange(octet: number): { cidr: string; first: string } {
  return { cidr: `127.${octet}.240.0/20`, first: `127.${octet}.240.1` };
}
/** Stop order: the API server's clients first, etcd last. */
const SERVERS = ['provisioner', 'kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];

/**
 * Starts (or attaches to) a Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, KWOK with `nodeCount` fake Nodes whose pod CIDRs lie in
 * 127.0.0.0/8 (pod IPs are loopback addresses), a default StorageClass and its local provisioner.
 */
export async function startKube(options: KubeOptions): Promise<KubeStack> {
  const dir = path.join(options.stateDir, 'kube');
  const log = options.log ?? ((): void => undefined);
  const infoFile = path.join(dir, 'kube.json');
  if (runningPid(dir, 'kube-apiserver') !== undefined && fs.existsSync(infoFile)) {
    return JSON.parse(fs.readFileSync(infoFile, 'utf8')) as KubeStack;
  }
  await stopServers(dir, SERVERS);
  const bin = (name: string): string => {
    const file = path.join(options.binDir, name);
    if (!fs.existsSync(file)) throw new Error(`${name} not found in ${options.binDir}: run 'npm run setup' (bash stack/install/install-binaries.sh)`);
    return file;
  };
  const services = serviceRange(podNetworkOctet(options.stateDir));
  const pki = ensurePki(path.join(dir, 'pki'), services.first);
  const [etcdPort, etcdPeerPort, apiPort, cmPort, schedPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfigs = writeKubeconfigs(dir, server, pki);

  const etcd = startServer({ name: 'etcd', command: '/usr/bin/etcd', stateDir: dir, args: [
    '--name', 'steward', '--data-dir', options.etcdDataDir ?? path.join(dir, 'etcd-data'),
    '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
    '--initial-cluster', `steward=http://127.0.0.1:${etcdPeerPort}`, '--log-level', 'warn',
  ], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: '' } });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok, { what: 'etcd', timeoutMs: SERVER_READY_TIMEOUT_MS, logFile: etcd.logFile, pid: etcd.pid, log });
  log('etcd ready');

  const apiserver = startServer({ name: 'kube-apiserver', command: bin('kube-apiserver'), stateDir: dir, args: [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`, `--cert-dir=${pki.dir}`,
    `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.caCert}`,
    `--secure-port=${apiPort}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', '--endpoint-reconciler-type=none',
    `--service-cluster-ip-range=${services.cidr}`, '--allow-privileged=true', '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--enable-priority-and-fairness=false', '--v=0',
  ] });
  await waitFor(() => healthy(server, '/readyz', pki), { what: `kube-apiserver on ${server}`, timeoutMs: SERVER_READY_TIMEOUT_MS, logFile: apiserver.logFile, pid: apiserver.pid, log });
  log('kube-apiserver ready');

  // On existing data, the fake nodes' leases are held by the previous KWOK's identity, which the new
  // one will not take over for 40 s (pods stay Pending meanwhile): release them first.
  await releaseNodeLeases(KubeRest.fromFile(kubeconfigs.admin));
  const started: ServerHandle[] = [
    startServer({ name: 'kube-controller-manager', command: bin('kube-controller-manager'), stateDir: dir, args: [
      `--kubeconfig=${kubeconfigs['controller-manager']}`, '--bind-address=127.0.0.1', `--secure-port=${cmPort}`, '--leader-elect=false',
      '--use-service-account-credentials=true', `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.caCert}`,
      `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`, `--service-cluster-ip-range=${services.cidr}`,
      '--concurrent-statefulset-syncs=10', '--concurrent-gc-syncs=20', '--kube-api-qps=200', '--kube-api-burst=400', '--v=0',
      // Off: KWOK's pod IPs are loopback addresses, which the API server refuses in Endpoints and
      // EndpointSlices (validateNonSpecialIP, ValidateEndpointIP), so these controllers could only retry
      // each Service's write forever, with a Warning Event each time: at 100 pools that was 7 requests and
      // most of the API server's CPU per pool iteration in bench/scale.ts, none of it Steward's.
      '--controllers=*,-endpoints-controller,-endpointslice-controller,-endpointslice-mirroring-controller',
    ] }),
    startServer({ name: 'kube-scheduler', command: bin('kube-scheduler'), stateDir: dir, args: [
      `--kubeconfig=${kubeconfigs.scheduler}`, '--bind-address=127.0.0.1', `--secure-port=${schedPort}`, '--leader-elect=false', '--v=0',
      // A pod found unschedulable (its claim not yet bound by the local provisioner) waits for a cluster
      // event to be retried, and when that event is missed, for this long (default 5 minutes; see
      // kubernetes/kubernetes#87145). A full test run saw a RustFS pod wait past its test's 90 s that way.
      '--pod-max-in-unschedulable-pods-duration=10s',
    ] }),
    startServer({ name: 'kwok', command: bin('kwok'), stateDir: dir, args: [
      `--kubeconfig=${kubeconfigs.kwok}`, '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-ip=127.0.0.1', '--cidr=127.100.0.1/16', '--server-address=127.0.0.1:0', '-c', KWOK_STAGES,
      // Node leases keep the node lifecycle controller from marking every pod NotReady after 40 s.
      '--node-lease-duration-seconds=40',
    ] }),
    startServer({ name: 'provisioner', command: process.execPath, stateDir: dir, args: [
      path.resolve(path.dirname(new URL(import.meta.url).pathname), 'provisioner-main.js'), '--kubeconfig', kubeconfigs.admin, '--volume-root', path.join(dir, 'volumes'),
    ] }),
  ];
  const kube = KubeRest.fromFile(kubeconfigs.admin);
  await ensureStorageClass(kube);
  await ensureFakeNodes(kube, options.nodeCount ?? 3, podNetworkOctet(options.stateDir));
  await waitFor(() => defaultServiceAccountExists(kube), { what: 'kube-controller-manager (default ServiceAccount)', timeoutMs: SERVER_READY_TIMEOUT_MS, logFile: started[0]?.logFile, pid: started[0]?.pid, log });
  await waitFor(() => nodesReady(kube, options.nodeCount ?? 3), { what: 'KWOK nodes Ready', timeoutMs: SERVER_READY_TIMEOUT_MS, logFile: started[2]?.logFile, pid: started[2]?.pid, log });
  log('controller-manager, scheduler, KWOK nodes and provisioner ready');
  const info: KubeStack = { kubeconfigPath: kubeconfigs.admin, server };
  fs.writeFileSync(infoFile, JSON.stringify(info));
  return info;
}

/** Stops the control plane of a state dir (from any process). */
export async function stopKube(stateDir: string): Promise<void> {
  const dir = path.join(stateDir, 'kube');
  await stopServers(dir, SERVERS);
  fs.rmSync(path.join(dir, 'kube.json'), { force: true });
  const memory = etcdMemoryDir(stateDir);
  if (memory) fs.rmSync(memory, { recursive: true, force: true });
}

/**
 * The tmpfs directory for etcd's data of a stack that need not persist: in `$STEWARD_MEMORY_ROOT` (default
 * `/dev/shm/stellar-steward`), named after the state dir's path. Undefined when that root's parent is not
 * a writable directory (no tmpfs): etcd then keeps its data in the state dir.
 */
export function etcdMemoryDir(stateDir: string): string | undefined {
  const root = process.env.STEWARD_MEMORY_ROOT ?? '/dev/shm/stellar-steward';
  try {
    fs.accessSync(path.dirname(root), fs.constants.W_OK);
  } catch {
    return undefined;
  }
  return path.join(root, `${encodeURIComponent(path.resolve(stateDir))}.etcd`);
}

type Component = 'admin' | 'controller-manager' | 'scheduler' | 'kwok';

function writeKubeconfigs(dir: string, server: string, pki: Pki): Record<Component, string> {
  const files = {} as Record<Component, string>;
  for (const name of ['admin', 'controller-manager', 'scheduler', 'kwok'] as const) {
    const client = pki.clients[name];
    if (!client) throw new Error(`no client certificate for ${name}`);
    const file = name === 'admin' ? path.join(dir, '..', 'kubeconfig') : path.join(dir, `${name}.kubeconfig`);
    writeKubeconfig(file, server, pki.caCert, client, name);
    files[name] = file;
  }
  return files;
}

function healthy(server: string, route: string, pki: Pki): Promise<boolean> {
  const admin = pki.clients.admin as { cert: string; key: string };
  return new Promise((resolve) => {
    const request = https.get(`${server}${route}`, {
      ca: fs.readFileSync(pki.caCert), cert: fs.readFileSync(admin.cert), key: fs.readFileSync(admin.key), timeout: 2000,
    }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

async function defaultServiceAccountExists(kube: KubeRest): Promise<boolean> {
  return (await kube.getOptional('/api/v1/namespaces/default/serviceaccounts/default')) !== undefined;
}

async function nodesReady(kube: KubeRest, count: number): Promise<boolean> {
  const nodes = await kube.request<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>('GET', '/api/v1/nodes', { query: { labelSelector: 'type=kwok' } });
  const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return ready.length >= count;
}

async function releaseNodeLeases(kube: KubeRest): Promise<void> {
  const leases = await kube.request<{ items: { metadata: { name: string } }[] }>('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
  for (const lease of leases.items.filter((l) => l.metadata.name.startsWith('steward-node-'))) {
    await kube.delete(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${lease.metadata.name}`);
  }
}
