import fs from 'node:fs';
import path from 'node:path';

/** The servers of the local control plane, in start order. */
export const KUBE_SERVERS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'provisioner'] as const;

/** One server of the local control plane (its pid file and log are `<stateDir>/<name>.pid|.log`). */
export type KubeServer = (typeof KUBE_SERVERS)[number];

/** The loopback ports a control plane was started on; kept in `<stateDir>/kube.json`. */
export interface KubePorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/** What `<stateDir>/kube.json` records about a started control plane. */
export interface KubeState {
  server: string;
  kubeconfigPath: string;
  ports: KubePorts;
  nodeCount: number;
}

/** Where everything of a control plane lives inside its state directory. */
export interface KubeLayout {
  stateDir: string;
  /** Admin kubeconfig (`system:masters`), the one clients use. */
  kubeconfig: string;
  stateFile: string;
  lockFile: string;
  pkiDir: string;
  etcdDataDir: string;
  /** Root of the provisioner's hostPath volumes. */
  volumeDir: string;
  /** An empty KWOK config file, so that KWOK never reads `~/.kwok/kwok.yaml`. */
  kwokConfig: string;
  /** The kubeconfig of one component (`controller-manager`, `scheduler`, `kwok`, `provisioner`). */
  componentKubeconfig(component: string): string;
  logFile(server: KubeServer): string;
}

/** The layout of a control plane's state directory (pure: creates nothing). */
export function kubeLayout(stateDir: string): KubeLayout {
  const file = (name: string): string => path.join(stateDir, name);
  return {
    stateDir,
    kubeconfig: file('kubeconfig'),
    stateFile: file('kube.json'),
    lockFile: file('kube.lock'),
    pkiDir: file('pki'),
    etcdDataDir: file('etcd-data'),
    volumeDir: file('volumes'),
    kwokConfig: file('kwok-config.yaml'),
    componentKubeconfig: (component) => file(`${component}.kubeconfig`),
    logFile: (server) => file(`${server}.log`),
  };
}

/** The recorded state of a control plane, or undefined when none was recorded. */
export function readKubeState(layout: KubeLayout): KubeState | undefined {
  if (!fs.existsSync(layout.stateFile)) return undefined;
  return JSON.parse(fs.readFileSync(layout.stateFile, 'utf8')) as KubeState;
}

/** Records the state of a started control plane. */
export function writeKubeState(layout: KubeLayout, state: KubeState): void {
  fs.writeFileSync(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}
