import { decodeLedgerKey, type LedgerKey } from './ledger-key.js';
import { nodeState, type SimPod } from './node-state.js';
import { BOOTING_BODY, GARBAGE_BODY, type HttpAnswer } from './responses.js';
import { tipLedger, type TipClock } from './tip.js';

/**
 * stellar-core's read-only query server (src/main/QueryServer.cpp, docs/software/commands.md "HTTP Query
 * Server") as the simulator serves it on each pod's HTTP_QUERY_PORT. The simulated ledger holds no
 * entries: every key is absent, so `getledgerentryraw` answers no `entries` and `getledgerentry` answers
 * `not-found` for each key, at the node's own ledger (a lagging node answers an older `ledgerSeq`).
 */

/** The query routes (QueryServer's constructor). */
export const QUERY_ROUTES = ['getledgerentryraw', 'getledgerentry'] as const;

/** Historical ledgers the simulated query server keeps (QUERY_SNAPSHOT_LEDGERS, stellar-core's default). */
export const SIM_QUERY_SNAPSHOT_LEDGERS = 5;

/** The query server's 404 page for an unknown route (QueryServer::notFound), served as text/html. */
export const QUERY_NOT_FOUND_BODY =
  '<b>Welcome to stellar-core!</b><p>Supported HTTP queries are listed in the <a href="' +
  'https://github.com/stellar/stellar-core/blob/master/docs/software/commands.md#http-commands' +
  '">docs</a> as well as in the man pages.</p><p>Note that this port is for HTTP queries only, not commands.</p><p>Have fun!</p>';

/** The error texts of the query routes (QueryServer.cpp); the `exception: ` ones come from a thrown error. */
export const QUERY_ERRORS = {
  rawNoKey: 'exception: Must specify ledger key in POST body: key=<LedgerKey in base64 XDR format>',
  noKey: 'Must specify key in POST body: key=<LedgerKey in base64 XDR format>\n',
  ttlKey: 'TTL keys are not allowed\n',
  duplicate: 'Duplicate keys\n',
  ledgerNotFound: 'Ledger not found\n',
  badUrlEncoding: '<html><head><title>Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>',
} as const;

/** Thrown by a route: stellar-core answers `exception: <message>` (QueryServer::safeRouter). */
class RouteException extends Error {}

/**
 * Answers one request of the query server for a simulated node at `nowMs`. Like stellar-core's threaded
 * HTTP server (lib/httpthreaded/server.cpp), only the body is read (url-decoded, then split on `&` and `=`,
 * whatever the method); a route that succeeds answers 200 application/json (jsoncpp's FastWriter: compact,
 * newline-terminated); every failure, the booting answer included, is a 404 text/html whose body says why.
 */
export function answerQuery(requestUrl: string, body: string, pod: SimPod, nowMs: number, clock: TipClock): HttpAnswer {
  const route = new URL(requestUrl, 'http://query.invalid').pathname.slice(1);
  if (!(QUERY_ROUTES as readonly string[]).includes(route)) return failed(QUERY_NOT_FOUND_BODY);
  const decoded = urlDecode(body);
  if (decoded === undefined) return { status: 400, contentType: 'text/html', body: QUERY_ERRORS.badUrlEncoding };
  if (pod.scenario.kind === 'booting') return failed(BOOTING_BODY);
  if (pod.scenario.kind === 'garbage') return { status: 200, contentType: 'application/json', body: GARBAGE_BODY };
  try {
    const params = postParams(decoded);
    const window = snapshotWindow(pod, nowMs, clock);
    return route === 'getledgerentry' ? ledgerEntry(params, window) : ledgerEntryRaw(params, window);
  } catch (error) {
    if (error instanceof Error) return failed(`exception: ${error.message}`);
    throw error;
  }
}

/** The ledgers a node can answer: its current one and up to QUERY_SNAPSHOT_LEDGERS before, closed since it started. */
export function snapshotWindow(pod: SimPod, nowMs: number, clock: TipClock): { first: number; current: number } {
  const current = nodeState(pod, nowMs, clock).ledger;
  const atStart = tipLedger(pod.network, pod.startedOnMs, clock);
  return { first: Math.max(1, current - SIM_QUERY_SNAPSHOT_LEDGERS, Math.min(current, atStart)), current };
}

function ledgerEntryRaw(params: Map<string, string[]>, window: { first: number; current: number }): HttpAnswer {
  const keys = params.get('key') ?? [];
  const ledgerSeq = optionalLedgerSeq(params);
  if (keys.length === 0) return failed(QUERY_ERRORS.rawNoKey);
  const seq = ledgerSeq ?? window.current;
  if (seq < window.first || seq > window.current) return failed(QUERY_ERRORS.ledgerNotFound);
  keys.forEach(decodeKey);
  return ok({ ledgerSeq: seq });
}

function ledgerEntry(params: Map<string, string[]>, window: { first: number; current: number }): HttpAnswer {
  const keys = params.get('key') ?? [];
  const ledgerSeq = optionalLedgerSeq(params);
  if (keys.length === 0) return failed(QUERY_ERRORS.noKey);
  const seen = new Set<string>();
  for (const key of keys.map(decodeKey)) {
    if (key.type === 'TTL') return failed(QUERY_ERRORS.ttlKey);
    if (seen.has(key.canonical)) return failed(QUERY_ERRORS.duplicate);
    seen.add(key.canonical);
  }
  const seq = ledgerSeq ?? window.current;
  if (seq < window.first || seq > window.current) return failed(QUERY_ERRORS.ledgerNotFound);
  return ok({ entries: keys.map(() => ({ state: 'not-found' })), ledgerSeq: seq });
}

function decodeKey(base64: string): LedgerKey {
  try {
    return decodeLedgerKey(base64);
  } catch (error) {
    throw new RouteException((error as Error).message, { cause: error });
  }
}

/** `ledgerSeq` as QueryServer's parseOptionalParam reads a uint32: exactly one, all of it a number. */
function optionalLedgerSeq(params: Map<string, string[]>): number | undefined {
  const values = params.get('ledgerSeq');
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new RouteException("Expected exactly one 'ledgerSeq' argument");
  const text = (values[0] ?? '').replace(/^\s+/, '');
  if (!/^\+?\d+$/.test(text) || Number(text) > 0xffffffff) throw new RouteException("Failed to parse 'ledgerSeq' argument");
  return Number(text);
}

/**
 * The body's parameters as `server::parsePostParams` splits them: `?` is dropped, every `=` only switches
 * from name to value (so base64 padding vanishes), `&` ends a pair even when empty; the last pair counts
 * only with a name and a value.
 */
export function postParams(body: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  const add = (name: string, value: string): void => void params.set(name, [...(params.get(name) ?? []), value]);
  let name = '';
  let value = '';
  let buildingName = true;
  for (const c of body) {
    if (c === '?') continue;
    if (c === '=') buildingName = false;
    else if (c === '&') {
      add(name, value);
      [name, value, buildingName] = ['', '', true];
    } else if (buildingName) name += c;
    else value += c;
  }
  if (name && value) add(name, value);
  return params;
}

/** `server::url_decode`: `%XX` escapes and `+` as space; undefined for a malformed escape (a 400). */
export function urlDecode(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{1,2}/.test(hex) || i + 3 > text.length) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else out += c === '+' ? ' ' : c;
  }
  return out;
}

function ok(value: unknown): HttpAnswer {
  return { status: 200, contentType: 'application/json', body: `${JSON.stringify(value)}\n` };
}

function failed(body: string): HttpAnswer {
  return { status: 404, contentType: 'text/html', body };
}
