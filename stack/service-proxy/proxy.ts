import net from 'node:net';
import { KubeRest } from '../../kube/rest.js';
import { sleep } from '../process.js';
import { isLoopbackUrl } from '../simulator/kube-pod-source.js';
import { serviceRoutes, type PodSnapshot, type ServiceRoute, type ServiceSnapshot } from './routes.js';

/** Options of `startServiceProxy`. */
export interface ServiceProxyOptions {
  kubeconfigPath: string;
  /** Milliseconds between two lists of Services and pods (default 250). */
  pollIntervalMs?: number;
  log?: (message: string) => void;
}

/** A running service proxy. */
export interface ServiceProxyHandle {
  /** The routes served now. */
  routes(): ServiceRoute[];
  /** Resolves once one full list has been applied (listeners opened and closed). */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

interface Listener {
  server: net.Server;
  route: ServiceRoute;
  next: number;
}

/**
 * Starts the stand-in for kube-proxy (in the manner of its old userspace mode): lists Services and pods
 * every `pollIntervalMs`, listens on each loopback `ClusterIP:port` and forwards every TCP connection to
 * the next Ready pod behind it (round robin); a connection to a Service with no Ready pod is reset.
 * Level-based: each list replaces the previous routes. Throws when the kubeconfig's API server is not
 * on loopback.
 */
export async function startServiceProxy(options: ServiceProxyOptions): Promise<ServiceProxyHandle> {
  const kube = KubeRest.fromFile(options.kubeconfigPath);
  const server = kube.config.getCurrentCluster()?.server ?? '';
  if (!isLoopbackUrl(server)) throw new Error(`kubeconfig ${options.kubeconfigPath} points at ${server || 'no server'}; the service proxy only dials loopback`);
  const log = options.log ?? ((): void => undefined);
  const listeners = new Map<string, Listener>();
  let stopped = false;
  let syncedOnce: () => void = () => undefined;
  const firstSync = new Promise<void>((resolve) => {
    syncedOnce = resolve;
  });

  const apply = async (routes: ServiceRoute[]): Promise<void> => {
    const wanted = new Map(routes.map((r) => [`${r.ip}:${r.port}`, r]));
    for (const [key, listener] of listeners) {
      if (wanted.has(key)) continue;
      listeners.delete(key);
      // Stops accepting at once; open connections (a Gateway's keep-alives) end on their own, and the next
      // list must not wait for them.
      listener.server.close();
      log(`closed ${listener.route.service} on ${key}`);
    }
    for (const [key, route] of wanted) {
      const existing = listeners.get(key);
      if (existing) {
        existing.route = route;
        continue;
      }
      const listener: Listener = { server: net.createServer((socket) => forward(socket, listener)), route, next: 0 };
      try {
        await listen(listener.server, route.port, route.ip);
        listeners.set(key, listener);
        log(`serving ${route.service} on ${key}`);
      } catch (error) {
        log(`cannot listen on ${key} for ${route.service} (will retry): ${(error as Error).message}`);
      }
    }
  };

  const loop = (async (): Promise<void> => {
    let lastError = '';
    while (!stopped) {
      try {
        const [services, pods] = await Promise.all([
          kube.request<{ items: ServiceSnapshot[] }>('GET', '/api/v1/services'),
          kube.request<{ items: PodSnapshot[] }>('GET', '/api/v1/pods'),
        ]);
        if (!stopped) await apply(serviceRoutes(services.items, pods.items));
        syncedOnce();
        lastError = '';
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastError) log(`listing Services and pods failed (will retry): ${message}`);
        lastError = message;
      }
      await sleep(options.pollIntervalMs ?? 250);
    }
  })();

  return {
    routes: () => [...listeners.values()].map((l) => l.route),
    synced: () => firstSync,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all([...listeners.values()].map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))));
      listeners.clear();
    },
  };
}

/** Pipes one client connection to the next target of the listener's route, or resets it when there is none. */
function forward(socket: net.Socket, listener: Listener): void {
  const targets = listener.route.targets;
  const target = targets[listener.next % Math.max(targets.length, 1)];
  listener.next += 1;
  if (!target) {
    socket.resetAndDestroy();
    return;
  }
  const upstream = net.connect(target.port, target.ip);
  const close = (): void => {
    socket.destroy();
    upstream.destroy();
  };
  socket.on('error', close);
  upstream.on('error', close);
  socket.pipe(upstream);
  upstream.pipe(socket);
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
