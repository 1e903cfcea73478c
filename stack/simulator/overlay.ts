import { isIPv4 } from 'node:net';
import { nodeState, type SimPod } from './node-state.js';
import type { TipClock } from './tip.js';

// The simulated overlay: which simulated nodes are connected to which, as stellar-core would have it.
// Modelled on stellar-core (stellar/stellar-core): src/main/CommandHandler.cpp (`connect`, `peers`),
// src/overlay/PeerBareAddress.cpp (`PeerBareAddress::resolve`: the address regex and its error texts) and
// src/overlay/OverlayManagerImpl.cpp (`connectToImpl`: a peer already connected is not connected again).

/** The port every simulated node takes peer connections on (stellar-core's default PEER_PORT). */
export const SIM_PEER_PORT = 11625;

/** One established connection: `from` dialled `to` (pod uids). It serves both directions, as in stellar-core. */
export interface Link {
  from: string;
  to: string;
  sinceMs: number;
}

/** What a `/connect` taken by stellar-core led to (the HTTP answer is `Connect to: ...` for all of them). */
export type ConnectOutcome = 'connected' | 'already-connected' | 'self' | 'unreachable' | 'wrong-network';

/** The simulated nodes and their connections, at one instant. */
export interface OverlayView {
  /** By pod uid. */
  pods: ReadonlyMap<string, SimPod>;
  /** Uids of the pods with an open listener. */
  listening: ReadonlySet<string>;
  links: readonly Link[];
}

/** A resolved peer address, or stellar-core's exception text. */
export type Resolution = { ip: string; port: number } | { error: string };

// PeerBareAddress::resolve: (v4 address | [v6 address] | host name), then an optional :port.
const ADDRESS = /^(?:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})|(?:\[([0-9A-Fa-f:]+)\])|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/;

/**
 * Resolves `HOST:PORT` as stellar-core's `PeerBareAddress::resolve` does, with the simulated cluster DNS:
 * an IPv4 or bracketed IPv6 literal is taken as is; a host name resolves to the pod whose DNS name it is
 * (`<hostname>.<subdomain>.<namespace>.svc.cluster.local`, trailing dot allowed) or `localhost`; any other
 * name fails with `Host not found (authoritative)`. A port outside 1..65535 fails after resolution.
 */
export function resolvePeer(address: string, pods: Iterable<SimPod>): Resolution {
  const match = ADDRESS.exec(address);
  if (!match) return { error: `Cannot parse peer address '${address}'` };
  const [, v4, v6, host, portText] = match;
  let ip: string | undefined;
  if (v4 !== undefined) ip = isIPv4(v4) ? v4 : undefined;
  else if (v6 !== undefined) ip = v6;
  else if (host !== undefined) ip = lookUp(host, pods);
  if (ip === undefined) return { error: `Could not resolve '${address}': Host not found (authoritative)` };
  const port = portText === undefined ? SIM_PEER_PORT : Number(portText);
  if (port <= 0 || port > 65_535) return { error: `Could not resolve '${address}': port out of range` };
  return { ip, port };
}

/**
 * What a node's `/connect` to `ip:port` does. A node never connects to itself, nor again to a node it is
 * already connected to (either direction). The connection is made only when a simulated node listens at
 * that IP on the peer port, accepts connections (not booting, answering sanely) and reports the same
 * network as the caller (the handshake carries the network id); otherwise nothing appears in `/peers`.
 */
export function connectEffect(from: SimPod, ip: string, port: number, view: OverlayView, nowMs: number, clock: TipClock): { outcome: ConnectOutcome; link?: Link } {
  if (ip === from.ip) return { outcome: 'self' };
  const target = [...view.pods.values()].find((pod) => pod.ip === ip);
  if (target && view.links.some((l) => (l.from === from.uid && l.to === target.uid) || (l.from === target.uid && l.to === from.uid))) {
    return { outcome: 'already-connected' };
  }
  if (!target || port !== SIM_PEER_PORT || !accepting(target, view.listening)) return { outcome: 'unreachable' };
  if (nodeState(target, nowMs, clock).network !== nodeState(from, nowMs, clock).network) return { outcome: 'wrong-network' };
  return { outcome: 'connected', link: { from: from.uid, to: target.uid, sinceMs: nowMs } };
}

/**
 * The links that still hold: both ends simulated, listening, accepting and on the same reported network.
 * A node that stops, restarts (new uid), boots again or changes network loses its connections.
 */
export function liveLinks(view: OverlayView, nowMs: number, clock: TipClock): Link[] {
  return view.links.filter((link) => {
    const from = view.pods.get(link.from);
    const to = view.pods.get(link.to);
    if (!from || !to || !accepting(from, view.listening) || !accepting(to, view.listening)) return false;
    return nodeState(from, nowMs, clock).network === nodeState(to, nowMs, clock).network;
  });
}

/** The nodes a node is connected to, by direction, with the time each connection was made. */
export function linkedPeers(uid: string, view: OverlayView): { outbound: { pod: SimPod; sinceMs: number }[]; inbound: { pod: SimPod; sinceMs: number }[] } {
  const peer = (otherUid: string, sinceMs: number): { pod: SimPod; sinceMs: number }[] => {
    const pod = view.pods.get(otherUid);
    return pod ? [{ pod, sinceMs }] : [];
  };
  return {
    outbound: view.links.filter((l) => l.from === uid).flatMap((l) => peer(l.to, l.sinceMs)),
    inbound: view.links.filter((l) => l.to === uid).flatMap((l) => peer(l.from, l.sinceMs)),
  };
}

function accepting(pod: SimPod, listening: ReadonlySet<string>): boolean {
  return listening.has(pod.uid) && pod.scenario.kind !== 'booting' && pod.scenario.kind !== 'garbage';
}

function lookUp(host: string, pods: Iterable<SimPod>): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') return '127.0.0.1';
  for (const pod of pods) if (pod.dnsName?.toLowerCase() === name) return pod.ip;
  return undefined;
}
