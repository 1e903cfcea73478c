import { digest, otherNetwork } from './network.js';
import type { ConfigRefusal } from './pod-config.js';
import type { Scenario } from './scenario.js';
import { CHECKPOINT_FREQUENCY, ledgerCloseTimeMs, tipLedger, type TipClock } from './tip.js';

/** One simulated stellar-core: a Running pod with the stellar-core label, and what the simulator remembers of it. */
export interface SimPod {
  /** `namespace/name`. */
  key: string;
  uid: string;
  /** The pod IP the node listens on (only when inside 127.0.0.0/8). */
  ip: string;
  /** The passphrase of the network the pod is configured for. */
  network: string;
  /** The scenario annotation as written (empty when absent). */
  scenarioText: string;
  scenario: Scenario;
  /** When the current scenario began (first sight of the pod, or the last change of its annotation). */
  scenarioSinceMs: number;
  /** When the simulator first saw this pod (its `startedOn`). */
  startedOnMs: number;
  /** Its DNS name through its headless Service, when it has one (see `PodRecord.dnsName`). */
  dnsName?: string;
  /** The port its query server listens on, when it runs one (see `PodRecord.queryPort`). */
  queryPort?: number;
  /** The first container's readiness probe, as the API returns it. */
  readinessProbe?: unknown;
  /** The pod's Ready condition as the API holds it. */
  ready?: boolean;
  /** The pod's container statuses as the API holds them. */
  containerStatuses?: Record<string, unknown>[];
  /** Why stellar-core would not run on the pod's config, when it would not (see pod-config.ts). */
  refusal?: ConfigRefusal;
}

/** The states stellar-core reports in `/info`. */
export type CoreState = 'Booting' | 'Joining SCP' | 'Connected' | 'Catching up' | 'Synced!' | 'Stopping';

/** What a simulated node reports at one instant. */
export interface NodeState {
  state: CoreState;
  /** Last closed ledger. */
  ledger: number;
  /** The passphrase the node reports (another network's under `wrong-network`). */
  network: string;
  /** Unix seconds at which `ledger` closed. */
  closeTime: number;
  /** Seconds since `ledger` closed. */
  age: number;
  /** The `/info` `status` messages, when any. */
  status?: string[];
}

/** How far behind the tip a `catching-up` node is, in ledgers. */
export const CATCHING_UP_DISTANCE = 100_000;

/**
 * What a simulated node reports at `nowMs`: its state, ledger and network according to its scenario.
 * `stalled`, `booting` and `catching-up` nodes keep the ledger the tip had when the scenario began.
 */
export function nodeState(pod: SimPod, nowMs: number, clock: TipClock): NodeState {
  const network = pod.scenario.kind === 'wrong-network' ? otherNetwork(pod.network) : pod.network;
  const tip = tipLedger(network, nowMs, clock);
  const frozen = Math.min(tip, tipLedger(network, pod.scenarioSinceMs, clock));
  const at = (state: CoreState, ledger: number, status?: string[]): NodeState => {
    const closeMs = ledgerCloseTimeMs(network, ledger, clock);
    const age = Math.max(0, Math.floor((nowMs - closeMs) / 1000));
    return { state, ledger, network, closeTime: Math.floor(closeMs / 1000), age, ...(status ? { status } : {}) };
  };
  switch (pod.scenario.kind) {
    case 'lagging':
      return at('Synced!', Math.max(1, tip - pod.scenario.behind));
    case 'stalled':
      return at('Synced!', frozen);
    case 'booting':
      return at('Booting', frozen);
    case 'catching-up':
      return at('Catching up', Math.max(1, frozen - CATCHING_UP_DISTANCE), [catchUpMessage(pod, nowMs, clock)]);
    default:
      return at('Synced!', tip);
  }
}

/**
 * The `status` message of a catching-up node, in stellar-core's style
 * (`Catching up: downloading ledger files 20094/119803 (16%)`). Progress grows by one file per ledger
 * interval and never reaches the end: the scenario lasts until its annotation changes.
 */
export function catchUpMessage(pod: SimPod, nowMs: number, clock: TipClock): string {
  const total = Math.ceil(CATCHING_UP_DISTANCE / CHECKPOINT_FREQUENCY);
  const elapsed = Math.max(0, nowMs - pod.scenarioSinceMs);
  const done = Math.min(total - 1, Math.floor(elapsed / clock.ledgerIntervalMs));
  const percent = Math.floor((done * 100) / total);
  return `Catching up: downloading ledger files ${done}/${total} (${percent}%)`;
}

/** The hash of a simulated ledger: deterministic per network and ledger number. */
export function ledgerHash(network: string, ledger: number): string {
  return digest('ledger', network, ledger);
}
