import { archiveRoot } from './archive.js';
import { horizonRoot } from './horizon.js';
import { networkSlug, passphraseOf, passphraseOfSlug } from './network.js';
import { nodeState, type SimPod } from './node-state.js';
import type { ConnectOutcome, Link } from './overlay.js';
import type { HttpAnswer } from './responses.js';
import { formatScenario } from './scenario.js';
import { latestCompleteCheckpoint, ledgerCloseTimeMs, tipLedger, type TipClock } from './tip.js';

/** One `/connect` call stellar-core would take (it answered `Connect to: ...`), as `GET /_sim/connects` lists it. */
export interface ConnectRecord {
  /** `namespace/name` of the pod that was told to connect. */
  pod: string;
  podIP: string;
  peer: string;
  port: number;
  /** What it led to: `already-connected` is what stellar-core logs as an internal bug. */
  outcome: ConnectOutcome;
  /** ISO time of the call. */
  at: string;
}

/** Everything the control port answers from, at one instant. */
export interface ControlView {
  pods: readonly SimPod[];
  /** Uids of the pods with an open listener. */
  listening: ReadonlySet<string>;
  connects: readonly ConnectRecord[];
  /** The connections between simulated nodes. */
  links?: readonly Link[];
  clock: TipClock;
  nowMs: number;
  /** Passphrase used when `/_sim/tip` names no network. */
  defaultNetwork: string;
}

/** The routes of the control port, for the 404 answer. */
export const CONTROL_ROUTES = [
  'GET /archive/<network>/.well-known/stellar-history.json',
  'GET /horizon/<network>/',
  'GET /_sim/connects[?pod=namespace/name]',
  'GET /_sim/pods (each with `peers`: the pods it is connected to, and `refusal` when stellar-core refuses its config)',
  'GET /_sim/tip[?network=<slug|name|passphrase>]',
] as const;

/**
 * Answers one request on the control port: history archive roots and Horizon roots per network slug
 * (`mainnet`, `testnet`, `futurenet`, or `custom-<hex>` for a network a pod uses), and the `/_sim/*`
 * routes that let tests in other processes read the simulator's state. Unknown paths answer 404 JSON.
 */
export function answerControl(requestUrl: string, view: ControlView): HttpAnswer {
  const url = new URL(requestUrl, 'http://control.invalid');
  const archive = /^\/archive\/([^/]+)\/\.well-known\/stellar-history\.json$/.exec(url.pathname);
  const horizon = /^\/horizon\/([^/]+)\/?$/.exec(url.pathname);
  if (archive?.[1]) return forSlug(archive[1], view, (network) => archiveRoot(network, view.nowMs, view.clock));
  if (horizon?.[1]) return forSlug(horizon[1], view, (network) => horizonRoot(network, view.nowMs, view.clock));
  if (url.pathname === '/_sim/connects') {
    const pod = url.searchParams.get('pod');
    return json(200, pod === null ? view.connects : view.connects.filter((c) => c.pod === pod));
  }
  if (url.pathname === '/_sim/pods') return json(200, view.pods.map((pod) => podSummary(pod, view)));
  if (url.pathname === '/_sim/tip') return json(200, tipSummary(resolveNetwork(url.searchParams.get('network'), view), view));
  return json(404, { error: `no route ${url.pathname}`, routes: CONTROL_ROUTES });
}

/** One pod as `GET /_sim/pods` lists it. */
export function podSummary(pod: SimPod, view: Pick<ControlView, 'listening' | 'nowMs' | 'clock' | 'links' | 'pods'>): Record<string, unknown> {
  const node = nodeState(pod, view.nowMs, view.clock);
  const keyOf = (uid: string): string[] => view.pods.filter((p) => p.uid === uid).map((p) => p.key);
  const links = view.links ?? [];
  const peers = [...links.filter((l) => l.from === pod.uid).flatMap((l) => keyOf(l.to)), ...links.filter((l) => l.to === pod.uid).flatMap((l) => keyOf(l.from))].sort();
  return {
    pod: pod.key, uid: pod.uid, ip: pod.ip, network: pod.network, scenario: formatScenario(pod.scenario),
    scenarioText: pod.scenarioText, state: node.state, ledger: node.ledger, reportedNetwork: node.network,
    listening: view.listening.has(pod.uid), dnsName: pod.dnsName, peers, refusal: pod.refusal,
  };
}

/** A network's tip as `GET /_sim/tip` reports it. */
export function tipSummary(network: string, view: Pick<ControlView, 'nowMs' | 'clock'>): Record<string, unknown> {
  const ledger = tipLedger(network, view.nowMs, view.clock);
  return {
    network, slug: networkSlug(network), ledger, checkpoint: latestCompleteCheckpoint(ledger),
    closeTime: Math.floor(ledgerCloseTimeMs(network, ledger, view.clock) / 1000), ledgerIntervalMs: view.clock.ledgerIntervalMs,
  };
}

function forSlug(slug: string, view: ControlView, body: (network: string) => unknown): HttpAnswer {
  const network = passphraseOfSlug(decodeURIComponent(slug), knownPassphrases(view));
  return network === undefined ? json(404, { error: `unknown network slug ${slug}` }) : json(200, body(network));
}

function resolveNetwork(param: string | null, view: ControlView): string {
  if (param === null || param.trim() === '') return view.defaultNetwork;
  return passphraseOfSlug(param, knownPassphrases(view)) ?? passphraseOf(param);
}

function knownPassphrases(view: ControlView): string[] {
  return [view.defaultNetwork, ...view.pods.map((pod) => pod.network)];
}

function json(status: number, value: unknown): HttpAnswer {
  return { status, contentType: 'application/json', body: `${JSON.stringify(value, null, 2)}\n` };
}
