import type { CorePeers } from './core-peers.js';

/** One validator of a network's peer list, as observed in one pass. */
export interface OverlayMember {
  /** `namespace/name`. */
  key: string;
  /** The stable DNS name its peers dial (`<name>-0.<name>-hl.<namespace>.svc.cluster.local`). */
  dnsName: string;
  /** Its pod IP: what other nodes' `/peers` show for it (stellar-core lists resolved addresses). */
  ip?: string;
  /** Pod Ready and stellar-core `Synced!` on the right network. */
  healthy: boolean;
  /** Its `GET /peers`, when it could be read this pass. */
  overlay?: CorePeers;
}

/** One `/connect` to make: tell `validator` (at `validatorIp`) to connect to `peer:port`, which lives at `peerIp`. */
export interface PeerConnect {
  validator: string;
  validatorIp: string;
  peer: string;
  port: number;
  /** The IP the peer shows up as in `/peers` once connected: how the push is verified. */
  peerIp: string;
}

/** What one pass found and what it will do about it. */
export interface ConnectionPlan {
  connects: PeerConnect[];
  /** Per validator, the DNS names of peers it is not connected to (authenticated, either direction) as observed. */
  missing: Record<string, string[]>;
  /** Per validator, the DNS names of peers it is connected to as observed. */
  connected: Record<string, string[]>;
}

/**
 * Decides the `/connect` calls of one pass from what each validator's `/peers` shows (level-based: no
 * memory of earlier pushes). A pair of validators is connected when either one lists the other's IP among
 * its authenticated peers (a stellar-core connection serves both directions). A pair that is neither
 * connected nor already connecting (pending on either side) gets exactly one `/connect`, sent to the first
 * of the two (by `namespace/name`) whose `/peers` was read, when both are healthy. Nothing is sent to or
 * about an unhealthy validator: its pairs stay missing until it is healthy.
 */
export function planConnections(members: readonly OverlayMember[], port: number): ConnectionPlan {
  const sorted = [...members].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const connects: PeerConnect[] = [];
  const missing: Record<string, string[]> = Object.fromEntries(sorted.map((m) => [m.key, []]));
  const connected: Record<string, string[]> = Object.fromEntries(sorted.map((m) => [m.key, []]));
  for (const [i, a] of sorted.entries()) {
    for (const b of sorted.slice(i + 1)) {
      const state = pairState(a, b);
      (state === 'connected' ? connected : missing)[a.key]?.push(b.dnsName);
      (state === 'connected' ? connected : missing)[b.key]?.push(a.dnsName);
      if (state !== 'absent' || !a.healthy || !b.healthy || !a.ip || !b.ip) continue;
      const [receiver, peer] = a.overlay ? [a, b] : [b, a];
      if (!receiver.overlay || !receiver.ip || !peer.ip) continue;
      connects.push({ validator: receiver.key, validatorIp: receiver.ip, peer: peer.dnsName, port, peerIp: peer.ip });
    }
  }
  return { connects, missing, connected };
}

/** The peers each validator is connected to after a pass: what was observed plus the pushes verified this pass. */
export function connectedAfter(plan: ConnectionPlan, verified: readonly { validator: string; peer: string }[], members: readonly OverlayMember[]): { connected: Record<string, string[]>; missing: Record<string, string[]> } {
  const connected: Record<string, string[]> = Object.fromEntries(Object.entries(plan.connected).map(([k, v]) => [k, [...v]]));
  const missing: Record<string, string[]> = Object.fromEntries(Object.entries(plan.missing).map(([k, v]) => [k, [...v]]));
  for (const push of verified) {
    const other = members.find((m) => m.dnsName === push.peer)?.key;
    const self = members.find((m) => m.key === push.validator)?.dnsName;
    move(connected, missing, push.validator, push.peer);
    if (other && self) move(connected, missing, other, self);
  }
  return { connected, missing };
}

function move(connected: Record<string, string[]>, missing: Record<string, string[]>, key: string, peer: string): void {
  const list = missing[key];
  if (!list?.includes(peer)) return;
  missing[key] = list.filter((p) => p !== peer);
  connected[key] = [...(connected[key] ?? []), peer].sort();
}

function pairState(a: OverlayMember, b: OverlayMember): 'connected' | 'connecting' | 'absent' {
  const lists = (m: OverlayMember, other: OverlayMember, which: keyof CorePeers): boolean => Boolean(other.ip && m.overlay?.[which].includes(other.ip));
  if (lists(a, b, 'authenticated') || lists(b, a, 'authenticated')) return 'connected';
  if (lists(a, b, 'pending') || lists(b, a, 'pending')) return 'connecting';
  return 'absent';
}

/** The outcome of one `PeerConnect`: verified in the validator's `/peers`, or why not. */
export interface ConnectResult {
  validator: string;
  peer: string;
  /** The peer is among the validator's authenticated peers. */
  connected: boolean;
  /** `/connect` calls sent (0 when the peer was already connecting or connected). */
  pushes: number;
  error?: string;
}

/**
 * The wait before the next pass while pushes are still missing: 1 s after the first pass that left one
 * missing, doubling with each further such pass, never longer than the resync interval. A peer that does
 * not come up (a node that refuses it, a pending slot that stays full) is retried ever less often rather
 * than told again every second; any pass that finds nothing missing starts over.
 */
export function pushRetryDelayMs(passesWithMissing: number, resyncMs: number): number {
  if (passesWithMissing <= 0) return resyncMs;
  return Math.min(1000 * 2 ** Math.min(passesWithMissing - 1, 30), resyncMs);
}
