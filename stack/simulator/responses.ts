import { digest } from './network.js';
import { ledgerHash, nodeState, type NodeState, type SimPod } from './node-state.js';
import { connectEffect, linkedPeers, resolvePeer, SIM_PEER_PORT, type ConnectOutcome, type Link, type OverlayView } from './overlay.js';
import { tipLedger, type TipClock } from './tip.js';

/** One HTTP answer, ready to be written. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** An answer of the admin API; `connect` is set when a `/connect` was taken and must be recorded (and `link` added). */
export interface CoreAnswer extends HttpAnswer {
  connect?: { peer: string; port: number; outcome: ConnectOutcome; link?: Link };
}

/** An overlay with no other node and no connection. */
export const EMPTY_OVERLAY: OverlayView = { pods: new Map(), listening: new Set(), links: [] };

/** The `build` string of simulated nodes. */
export const SIM_BUILD = 'stellar-core 22.1.0 (stellar-steward simulator)';

/** The protocol version simulated nodes support and run. */
export const SIM_PROTOCOL_VERSION = 22;

/** What every known route answers while stellar-core boots (its exact bytes). */
export const BOOTING_BODY = '{"error": "Core is booting, try again later"}';

/** What every known route answers under the `garbage` scenario: a truncated, non-JSON body. */
export const GARBAGE_BODY = '{"info": {"state": "Synced!", "ledger": {"num": \u0000\u0017';

/** What `/connect` answers without both `peer` and `port` (stellar-core's exact text). */
export const CONNECT_USAGE = 'Must specify a peer and port: connect&peer=PEER&port=PORT';

/** How many authenticated (upstream) peers every simulated node reports. */
export const UPSTREAM_PEER_COUNT = 3;

/**
 * The route names stellar-core registers (network mode, non-test build). Routes not simulated here
 * still answer 200 JSON, with an `exception` saying so; any other path answers 404 like stellar-core.
 */
export const KNOWN_ROUTES = [
  'bans', 'connect', 'droppeer', 'peers', 'quorum', 'scp', 'stopsurvey', 'getsurveyresult', 'startsurveycollecting',
  'stopsurveycollecting', 'surveytopologytimesliced', 'unban', 'clearmetrics', 'info', 'll', 'logrotate', 'manualclose',
  'metrics', 'tx', 'upgrades', 'banaccounts', 'unbanaccounts', 'dumpproposedsettings', 'self-check', 'sorobaninfo',
] as const;

const JSON_TYPE = 'application/json';

/** stellar-core's 404 page (text/html). */
export const NOT_FOUND_BODY =
  '<b>Welcome to stellar-core!</b><p>Supported HTTP commands are listed in the <a href="' +
  'https://github.com/stellar/stellar-core/blob/master/docs/software/commands.md#http-commands' +
  '">docs</a> as well as in the man pages.</p><p>Have fun!</p>';

/**
 * Answers one request of stellar-core's admin API (`requestUrl` is the path and query, e.g.
 * `/connect?peer=a&port=11625`) for a simulated node at `nowMs`, among the nodes and connections of
 * `overlay`. An unknown route answers 404 text/html; a known route always answers 200 application/json,
 * even when the body is plain text or an error (as stellar-core's CommandHandler::safeRouter does).
 */
export function answerCore(requestUrl: string, pod: SimPod, nowMs: number, clock: TipClock, overlay: OverlayView = EMPTY_OVERLAY): CoreAnswer {
  const url = new URL(requestUrl, 'http://core.invalid');
  const route = url.pathname.slice(1);
  if (!(KNOWN_ROUTES as readonly string[]).includes(route)) return { status: 404, contentType: 'text/html', body: NOT_FOUND_BODY };
  if (pod.scenario.kind === 'booting') return json(BOOTING_BODY);
  if (pod.scenario.kind === 'garbage') return json(GARBAGE_BODY);
  switch (route) {
    case 'info':
      return json(styled(infoBody(pod, nowMs, clock, overlay)));
    case 'peers':
      return json(styled(peersBody(pod, nowMs, overlay)));
    case 'metrics':
      return json(styled(metricsBody(pod, nowMs, clock)));
    case 'quorum':
      return json(styled({ node: nodeId(pod), qset: quorumSet(nodeState(pod, nowMs, clock)) }));
    case 'connect':
      return connectAnswer(url.searchParams, pod, nowMs, clock, overlay);
    default:
      return json(exception(`the stellar-steward simulator does not implement /${route}`));
  }
}

/** The milliseconds a node waits before answering: the `slow:MS` delay, else 0. */
export function answerDelayMs(pod: SimPod): number {
  return pod.scenario.kind === 'slow' ? pod.scenario.delayMs : 0;
}

/** The body of `GET /info` (keys in stellar-core's order, which is alphabetical). */
export function infoBody(pod: SimPod, nowMs: number, clock: TipClock, overlay: OverlayView = EMPTY_OVERLAY): { info: Record<string, unknown> } {
  const node = nodeState(pod, nowMs, clock);
  const linked = linkedPeers(pod.uid, overlay);
  return {
    info: {
      build: SIM_BUILD,
      ledger: {
        age: node.age,
        baseFee: 100,
        baseReserve: 5_000_000,
        closeTime: node.closeTime,
        flags: 0,
        hash: ledgerHash(node.network, node.ledger),
        maxSorobanTxSetSize: 100,
        maxTxSetSize: 100,
        num: node.ledger,
        version: SIM_PROTOCOL_VERSION,
      },
      network: node.network,
      peers: { authenticated_count: UPSTREAM_PEER_COUNT + linked.outbound.length + linked.inbound.length, pending_count: 0 },
      protocol_version: SIM_PROTOCOL_VERSION,
      quorum: { node: nodeId(pod), qset: quorumSet(node), transitive: transitive(node) },
      startedOn: isoSeconds(pod.startedOnMs),
      state: node.state,
      ...(node.status ? { status: node.status } : {}),
    },
  };
}

/**
 * The body of `GET /peers` in stellar-core's shape (CommandHandler::peers, compact): synthetic upstream
 * peers and the simulated nodes this one dialled as authenticated outbound, the nodes that dialled it as
 * authenticated inbound, each `{address: "ip:port", elapsed, id, latency, olver, ver}`; nothing pending
 * (simulated connections are made or refused at once). Like stellar-core (jsoncpp), an empty list is `null`.
 */
export function peersBody(pod: SimPod, nowMs: number, overlay: OverlayView = EMPTY_OVERLAY): Record<string, unknown> {
  const upstream = Array.from({ length: UPSTREAM_PEER_COUNT }, (_, i) => ({
    address: `127.255.0.${i + 1}:11625`,
    elapsed: 60,
    id: `GSIM${i}`,
    latency: 20 + i,
    olver: 35,
    ver: SIM_BUILD,
  }));
  const linked = linkedPeers(pod.uid, overlay);
  const entry = ({ pod: peer, sinceMs }: { pod: SimPod; sinceMs: number }): Record<string, unknown> => ({
    address: `${peer.ip}:${SIM_PEER_PORT}`,
    elapsed: Math.max(0, Math.floor((nowMs - sinceMs) / 1000)),
    id: nodeId(peer),
    latency: 1,
    olver: 35,
    ver: SIM_BUILD,
  });
  const inbound = linked.inbound.map(entry);
  return {
    authenticated_peers: { inbound: inbound.length ? inbound : null, outbound: [...upstream, ...linked.outbound.map(entry)] },
    pending_peers: { inbound: null, outbound: null },
  };
}

/**
 * The body of `GET /metrics` in libmedida's JSON: a `ledger.ledger.close` timer counting the ledgers the
 * node closed since it started, `overlay.byte.read`/`write` meters, a `ledger.transaction.count`
 * histogram and the `ledger.age.current-seconds` counter.
 */
export function metricsBody(pod: SimPod, nowMs: number, clock: TipClock): { metrics: Record<string, Record<string, unknown>> } {
  const node = nodeState(pod, nowMs, clock);
  const atStart = tipLedger(node.network, pod.startedOnMs, clock);
  const closed = Math.max(0, node.ledger - atStart);
  const uptimeS = Math.max(1, (nowMs - pod.startedOnMs) / 1000);
  return {
    metrics: {
      'ledger.age.current-seconds': { type: 'counter', count: node.age },
      'ledger.ledger.close': {
        type: 'timer', count: closed, event_type: 'calls', rate_unit: 's', mean_rate: closed / uptimeS,
        '1_min_rate': closed / uptimeS, '5_min_rate': closed / uptimeS, '15_min_rate': closed / uptimeS,
        min: 80, max: 250, mean: 120, stddev: 15, sum: closed * 120, median: 118,
        '75%': 130, '95%': 160, '98%': 190, '99%': 210, '99.9%': 250, duration_unit: 'ms',
      },
      'ledger.transaction.count': {
        type: 'histogram', count: closed, min: 0, max: 100, mean: 40, stddev: 10, sum: closed * 40,
        median: 40, '75%': 48, '95%': 70, '98%': 85, '99%': 95, '99.9%': 100,
      },
      'overlay.byte.read': meter(closed * 4096, uptimeS),
      'overlay.byte.write': meter(closed * 2048, uptimeS),
    },
  };
}

/**
 * The answer of `GET /connect?peer=HOST&port=PORT`, with stellar-core's texts (CommandHandler::connect):
 * the usage text when `peer` or `port` is missing; an `exception` when `HOST:PORT` does not parse, the
 * host does not resolve (simulated cluster DNS: pod names through their headless Service) or the port is
 * out of range; else `Connect to: HOST:PORT`, with what the connection attempt led to in `connect`.
 */
export function connectAnswer(query: URLSearchParams, from: SimPod, nowMs: number, clock: TipClock, overlay: OverlayView = EMPTY_OVERLAY): CoreAnswer {
  const peer = query.get('peer');
  const port = query.get('port');
  if (peer === null || port === null) return json(CONNECT_USAGE);
  const address = `${peer}:${port}`;
  const resolved = resolvePeer(address, overlay.pods.values());
  if ('error' in resolved) return json(exception(resolved.error));
  const effect = connectEffect(from, resolved.ip, resolved.port, overlay, nowMs, clock);
  return { ...json(`Connect to: ${address}`), connect: { peer, port: resolved.port, ...effect } };
}

function quorumSet(node: NodeState): Record<string, unknown> {
  return {
    agree: 3, cost: 1, delayed: 0, disagree: 0, fail_at: 1, hash: digest('qset', node.network).slice(0, 6),
    lag_ms: 120, ledger: node.ledger, missing: 0, phase: 'EXTERNALIZE', validated: true,
  };
}

function transitive(node: NodeState): Record<string, unknown> {
  return { critical: null, intersection: true, last_check_ledger: node.ledger, node_count: UPSTREAM_PEER_COUNT + 1 };
}

function meter(count: number, uptimeS: number): Record<string, unknown> {
  const rate = count / uptimeS;
  return { type: 'meter', count, event_type: 'byte', rate_unit: 's', mean_rate: rate, '1_min_rate': rate, '5_min_rate': rate, '15_min_rate': rate };
}

/** A node's short id as stellar-core prints it in compact mode (first letters of its strkey). */
function nodeId(pod: SimPod): string {
  return `G${digest('node', pod.uid).slice(0, 4).toUpperCase()}`;
}

function json(body: string): CoreAnswer {
  return { status: 200, contentType: JSON_TYPE, body };
}

/** stellar-core's answer when a command throws: `{"exception": "..."}`. */
function exception(message: string): string {
  return `{"exception": ${JSON.stringify(message)}}`;
}

/** Like jsoncpp's `toStyledString`: indented, with a final newline. */
function styled(value: unknown): string {
  return `${JSON.stringify(value, null, 3)}\n`;
}

function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
