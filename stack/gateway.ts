import fs from 'node:fs';
import path from 'node:path';
import { KubeRest } from '../kube/rest.js';
import { binDir } from './paths.js';
import { freePort } from './ports.js';
import { runningPid, SERVER_READY_TIMEOUT_MS, startServer, stopServers, waitFor } from './process.js';
import { isLoopbackIPv4 } from './service-proxy/routes.js';

/** The controller name under which Traefik's Kubernetes Gateway provider serves GatewayClasses. */
export const TRAEFIK_CONTROLLER_NAME = 'traefik.io/gateway-controller';

/** The gateway part of a running stack. */
export interface GatewayEndpoint {
  /** `http://127.0.0.1:PORT`: Traefik's entry point for Gateway listeners. */
  url: string;
  /** The port a Gateway listener must name to be served on `url` (Traefik matches listeners to entry points by port). */
  listenerPort: number;
  /** `spec.controllerName` of a GatewayClass that this Traefik serves. */
  controllerName: string;
}

/** Stop order: the Gateway first, then the proxy it dials. */
const SERVERS = ['traefik', 'service-proxy'];

/**
 * Starts (or attaches to) the Gateway API implementation of the local stack: Traefik (built from the Go
 * module proxy by the install script) with its Kubernetes Gateway provider, on 127.0.0.1, reading the
 * stack's kubeconfig; and the service proxy, which forwards Service ClusterIPs to pod IPs. Traefik runs
 * with `nativeLBByDefault`, i.e. it sends each backendRef's share to the Service's ClusterIP: the API
 * server refuses loopback addresses in EndpointSlices, so pod IPs never reach Traefik through them.
 * Throws when the cluster hands out ClusterIPs outside loopback (a stack created before they moved
 * into 127.0.0.0/8): Traefik would dial them.
 */
export async function startGateway(stateDir: string, kubeconfigPath: string, log: (message: string) => void): Promise<GatewayEndpoint> {
  const dir = path.join(stateDir, 'gateway');
  const infoFile = path.join(dir, 'gateway.json');
  if (runningPid(dir, 'traefik') !== undefined && runningPid(dir, 'service-proxy') !== undefined && fs.existsSync(infoFile)) {
    return JSON.parse(fs.readFileSync(infoFile, 'utf8')) as GatewayEndpoint;
  }
  await stopServers(dir, SERVERS);
  await requireLoopbackClusterIps(KubeRest.fromFile(kubeconfigPath), stateDir);
  const traefik = path.join(binDir(), 'traefik');
  if (!fs.existsSync(traefik)) throw new Error(`traefik not found in ${binDir()}: run 'bash stack/install/install-binaries.sh traefik'`);

  const proxyMain = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'service-proxy', 'main.js');
  const proxy = startServer({ name: 'service-proxy', command: process.execPath, args: [proxyMain, '--kubeconfig', kubeconfigPath], stateDir: dir });
  await waitFor(async () => fs.readFileSync(proxy.logFile, 'utf8').includes('service proxy ready'), {
    what: 'service proxy (first list of Services and pods)', timeoutMs: SERVER_READY_TIMEOUT_MS, logFile: proxy.logFile, pid: proxy.pid, log,
  });

  const [webPort, pingPort] = await Promise.all([freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfigPath };
  // With these set, Traefik would take itself for a pod and use the in-cluster client.
  delete env.KUBERNETES_SERVICE_HOST;
  delete env.KUBERNETES_SERVICE_PORT;
  const server = startServer({ name: 'traefik', command: traefik, stateDir: dir, env, args: [
    // Traefik asks the internet for new versions unless told not to; the stack dials only loopback.
    '--global.checkNewVersion=false', '--global.sendAnonymousUsage=false',
    `--entryPoints.web.address=127.0.0.1:${webPort}`, `--entryPoints.traefik.address=127.0.0.1:${pingPort}`, '--ping=true',
    '--providers.kubernetesgateway=true', '--providers.kubernetesgateway.nativeLBByDefault=true', '--log.level=INFO',
  ] });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${pingPort}/ping`)).ok, {
    what: `traefik (ping on 127.0.0.1:${pingPort})`, timeoutMs: SERVER_READY_TIMEOUT_MS, logFile: server.logFile, pid: server.pid, log,
  });
  log(`traefik serving Gateway listeners of port ${webPort} on 127.0.0.1:${webPort}`);
  const endpoint: GatewayEndpoint = { url: `http://127.0.0.1:${webPort}`, listenerPort: webPort, controllerName: TRAEFIK_CONTROLLER_NAME };
  fs.writeFileSync(infoFile, JSON.stringify(endpoint));
  return endpoint;
}

/** Stops Traefik and the service proxy of a stack (from any process). */
export async function stopGateway(stateDir: string): Promise<void> {
  const dir = path.join(stateDir, 'gateway');
  await stopServers(dir, SERVERS);
  fs.rmSync(path.join(dir, 'gateway.json'), { force: true });
}

async function requireLoopbackClusterIps(kube: KubeRest, stateDir: string): Promise<void> {
  const service = await kube.request<{ spec?: { clusterIP?: string } }>('GET', '/api/v1/namespaces/default/services/kubernetes');
  const ip = service.spec?.clusterIP;
  if (!isLoopbackIPv4(ip)) {
    throw new Error(`the stack in ${stateDir} hands out Service ClusterIPs outside loopback (service default/kubernetes has ${ip ?? 'none'}), `
      + 'and the gateway part would dial them; recreate the stack: steward stack down, then remove that directory and start it again');
  }
}
