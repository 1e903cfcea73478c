import { KubeApiError, FIELD_MANAGER, type KubeRest } from './rest.js';
import { ACQUIRE_JITTER, leaseStep, observeLease, releasedSpec, type LeaseObservation, type LeaseSpec, type LeaseTiming } from './lease-record.js';

/** Which Lease elects the leader, and who this candidate is. */
export interface LeaseTarget {
  namespace: string;
  name: string;
  /** This candidate's holderIdentity: unique per process (client-go's examples use `<hostname>_<uuid>`). */
  identity: string;
}

/** What a leader does: start its work when it is elected, and stop it at once when it is not any more. */
export interface LeaderCallbacks {
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

/** A running election. */
export interface LeaderElection {
  isLeader: () => boolean;
  /** Stops trying; a leader stops leading first, then releases the Lease so another takes over at once. */
  stop: () => Promise<void>;
}

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec?: LeaseSpec;
}

/** The path of a Lease, or of its collection with no name. */
export function leasePath(namespace: string, name?: string): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases${name ? `/${name}` : ''}`;
}

/**
 * Runs leader election through a coordination.k8s.io/v1 Lease, as client-go's leaderelection does
 * (kubernetes/kubernetes staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go). A candidate
 * tries every retry period (with client-go's 1.2 jitter) to create the Lease or, once its holder has not
 * renewed for the lease duration, to take it over. Every write is guarded: a create fails when the Lease
 * exists, an update carries the resourceVersion read (409 Conflict when another candidate wrote first), so
 * two candidates never both win. The leader renews every retry period; when it has not renewed for the renew
 * deadline, or sees another holder, it calls `onStoppedLeading` at once and becomes a candidate again.
 * Failures are `log`ged once per kind of failure, not per try; `events` gets the changes of leadership.
 */
export function runLeaderElection(kube: KubeRest, target: LeaseTarget, timing: LeaseTiming, callbacks: LeaderCallbacks,
  log: (message: string) => void, events: (message: string) => void = log): LeaderElection {
  const where = `Lease ${target.namespace}/${target.name}`;
  let observed: LeaseObservation | undefined;
  let leading = false;
  let lastRenewMs = 0;
  let stopped = false;
  let lastProblem: string | undefined;
  let reportedHolder: string | undefined;
  let wakeSleeper: (() => void) | undefined;

  const problem = (message: string | undefined): void => {
    if (message && message !== lastProblem) log(message);
    lastProblem = message;
  };
  const holderSeen = (holder: string): void => {
    if (holder === reportedHolder) return;
    reportedHolder = holder;
    events(holder ? `${where} is held by ${holder}` : `${where} was released`);
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakeSleeper = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const write = async (method: 'POST' | 'PUT', spec: LeaseSpec, timeoutMs: number, resourceVersion = observed?.resourceVersion): Promise<boolean> => {
    const metadata = { name: target.name, namespace: target.namespace, ...(method === 'PUT' ? { resourceVersion } : {}) };
    const path = method === 'POST' ? leasePath(target.namespace) : leasePath(target.namespace, target.name);
    try {
      const written = await kube.request<Lease>(method, path, {
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec }, query: { fieldManager: FIELD_MANAGER }, timeoutMs,
      });
      observed = observeLease(observed, written.metadata.resourceVersion, written.spec ?? {}, Date.now());
      return true;
    } catch (error) {
      // 409: another candidate created or updated it first; the next read sees its write.
      if (error instanceof KubeApiError && error.status === 409) return false;
      throw error;
    }
  };
  /** One try; true when this candidate holds the Lease afterwards. */
  const tryAcquireOrRenew = async (timeoutMs: number): Promise<boolean> => {
    // The leader renews on the version it last wrote, without reading first (client-go's fast path): one
    // request per retry period instead of two. A conflict (someone else wrote the Lease) reads it below.
    if (leading && observed?.spec.holderIdentity === target.identity) {
      const step = leaseStep(observed, target.identity, Date.now(), timing);
      if (step.action === 'update' && (await write('PUT', step.spec, timeoutMs))) return true;
    }
    const lease = await kube.request<Lease>('GET', leasePath(target.namespace, target.name), { timeoutMs }).catch((error: unknown) => {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    });
    const now = Date.now();
    observed = lease ? observeLease(observed, lease.metadata.resourceVersion, lease.spec ?? {}, now) : undefined;
    holderSeen(observed?.spec.holderIdentity ?? '');
    const step = leaseStep(observed, target.identity, now, timing);
    if (step.action === 'wait') return false;
    const won = await write(step.action === 'create' ? 'POST' : 'PUT', step.spec, timeoutMs);
    if (won) holderSeen(target.identity);
    return won;
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      // A renewal must finish by the renew deadline; a try to acquire may take up to a retry period.
      const timeoutMs = leading ? Math.max(1, lastRenewMs + timing.renewDeadlineMs - Date.now()) : timing.renewDeadlineMs;
      let held = false;
      try {
        held = await tryAcquireOrRenew(timeoutMs);
        problem(undefined);
      } catch (error) {
        problem(`cannot acquire or renew ${where} (${(error as Error).message}): ${whatToDo(error)}`);
      }
      if (stopped) break;
      if (held) {
        lastRenewMs = Date.now();
        if (!leading) {
          leading = true;
          events(`became the leader through ${where} (as ${target.identity})`);
          callbacks.onStartedLeading();
        }
      } else if (leading && (reportedHolder !== target.identity || Date.now() - lastRenewMs >= timing.renewDeadlineMs)) {
        leading = false;
        events(`lost ${where}: stopped leading`);
        callbacks.onStoppedLeading();
      }
      await sleep(leading ? timing.retryPeriodMs : timing.retryPeriodMs * (1 + Math.random() * ACQUIRE_JITTER));
    }
  };
  const running = loop();

  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      wakeSleeper?.();
      await running;
      if (leading) {
        leading = false;
        callbacks.onStoppedLeading();
      }
      // As client-go's release: only a Lease this candidate last saw itself holding (it may have won just as it
      // was stopped), and guarded by that resourceVersion, so a Lease another has taken since is left alone.
      if (!observed || observed.spec.holderIdentity !== target.identity) return;
      const mine = observed;
      observed = undefined;
      try {
        const released = await write('PUT', releasedSpec(mine.spec, Date.now()), timing.renewDeadlineMs, mine.resourceVersion);
        if (released) events(`released ${where}`);
      } catch (error) {
        log(`cannot release ${where} (${(error as Error).message}): another worker takes over once it expires`);
      }
    },
  };
}

/** What to do about a failed Lease request. */
function whatToDo(error: unknown): string {
  if (error instanceof KubeApiError && error.status === 403) {
    return 'grant the worker get, create and update on leases (coordination.k8s.io) in that namespace (deploy/clusterrole.yaml)';
  }
  if (error instanceof KubeApiError && error.status === 404) return 'create the namespace, or set STEWARD_LEASE_NAMESPACE to the worker\'s namespace';
  return 'retrying every retry period; no worker runs the watches until one holds the Lease';
}
