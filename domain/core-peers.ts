import type { ProbeError } from './core-info.js';

// The shapes below follow stellar-core's admin HTTP handlers in src/main/CommandHandler.cpp
// (stellar/stellar-core): `CommandHandler::peers` and `CommandHandler::connect`, run through
// `CommandHandler::safeRouter`, which answers every command with HTTP 200, also on failure:
//   - `{"error": "Core is booting, try again later"}` while the node is not ready;
//   - `{"exception": "<what>"}` when the command throws (for /connect: `Cannot parse peer address '...'`,
//     `Could not resolve '...': ...`, from PeerBareAddress::resolve in src/overlay/PeerBareAddress.cpp);
//   - plain text `Must specify a peer and port: connect&peer=PEER&port=PORT` when /connect lacks a parameter.
// A /connect that was taken answers exactly `Connect to: <peer>:<port>` (plain text, no newline).

/** What one node's `GET /peers` shows, by IP address (stellar-core lists resolved `ip:port`, never names). */
export interface CorePeers {
  /** IPs of authenticated peers, inbound and outbound: connections that completed the handshake. */
  authenticated: string[];
  /** IPs of pending peers, inbound and outbound: connections still being made. */
  pending: string[];
}

/**
 * Parses the body of `GET /peers`:
 * `{"authenticated_peers": {"inbound": [{"address": "ip:port", ...}] | null, "outbound": ...},
 *   "pending_peers": {"inbound": ["ip:port"] | null, "outbound": ...}}` (jsoncpp writes an empty list as
 * `null`). The booting answer, an `exception`, a body that is not JSON, or one without both sections is a
 * typed error (`Booting` or `BadResponse`), never a throw.
 */
export function parseCorePeers(body: string): { peers?: CorePeers; error?: ProbeError } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: { type: 'BadResponse', message: `/peers answered with a body that is not JSON: ${printable(body)}` } };
  }
  if (!isObject(parsed)) return { error: { type: 'BadResponse', message: `/peers answered ${printable(body)}` } };
  const failure = commandFailure(parsed);
  if (failure) return { error: failure };
  const authenticated = parsed.authenticated_peers;
  const pending = parsed.pending_peers;
  if (!isObject(authenticated) || !isObject(pending)) {
    return { error: { type: 'BadResponse', message: '/peers lacks authenticated_peers or pending_peers' } };
  }
  return {
    peers: {
      authenticated: [...entries(authenticated.inbound), ...entries(authenticated.outbound)].map(addressOf).filter(isText).map(hostOf),
      pending: [...entries(pending.inbound), ...entries(pending.outbound)].filter(isText).map(hostOf),
    },
  };
}

/** The outcome of one `GET /connect?peer=HOST&port=PORT`. */
export type ConnectOutcome = { accepted: true } | { accepted: false; error: ProbeError };

/**
 * Classifies the body of a `/connect` that answered HTTP 200: accepted only when it is exactly
 * `Connect to: HOST:PORT` for the peer asked; the usage text, `{"exception": ...}`, `{"error": ...}`
 * (booting) or anything else is a failure carrying the (truncated, printable) body.
 */
export function classifyConnect(body: string, peer: string, port: number): ConnectOutcome {
  if (body === `Connect to: ${peer}:${port}`) return { accepted: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const failure = isObject(parsed) ? commandFailure(parsed) : undefined;
  return { accepted: false, error: failure ?? { type: 'BadResponse', message: `/connect answered ${printable(body)}` } };
}

/** The host part of `ip:port` or `[v6]:port`. */
export function hostOf(address: string): string {
  const v6 = /^\[([^\]]+)\]:\d+$/.exec(address);
  if (v6?.[1]) return v6[1];
  const colon = address.lastIndexOf(':');
  return colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}

function commandFailure(root: Record<string, unknown>): ProbeError | undefined {
  if (typeof root.error === 'string') return { type: root.error === BOOTING ? 'Booting' : 'BadResponse', message: printable(root.error) };
  if ('exception' in root) return { type: 'BadResponse', message: `stellar-core refused the command: ${printable(String(root.exception))}` };
  return undefined;
}

/** stellar-core's exact answer while it boots (CommandHandler::safeRouter). */
const BOOTING = 'Core is booting, try again later';

function entries(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function addressOf(entry: unknown): unknown {
  return isObject(entry) ? entry.address : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Untrusted text made safe for logs and conditions: control characters replaced, at most 120 characters. */
function printable(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 120)}…` : clean;
}
