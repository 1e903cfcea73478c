import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import tls from 'node:tls';
import type { HttpError } from '../domain/http-errors.js';
import { egressFromEnv, egressRefusal, LOOPBACK_NAME, type Egress } from './egress.js';

/** Limits of one request, redirects included. */
export interface RequestLimits {
  /** Total deadline in milliseconds for every hop, headers and body (not an idle timeout). */
  deadlineMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Most redirects followed. */
  maxRedirects: number;
}

/** Default limits: 2 s in all, 256 KiB, 5 redirects. */
export const DEFAULT_LIMITS: RequestLimits = { deadlineMs: 2000, maxBytes: 256 * 1024, maxRedirects: 5 };

/** A request's outcome: the final answer (any status), or a typed error. Never a throw. */
export type HttpResult = { ok: true; status: number; body: string; url: string } | { ok: false; error: HttpError };

/** Settings of an HTTP client. */
export interface HttpClientSettings {
  /** Where requests may go (default `any`). */
  egress?: Egress;
  /** PEM certificates trusted in addition to Node's default CAs (for private CAs). */
  caBundle?: string;
}

/** The one HTTP(S) client of the activities: archive roots, Horizon and stellar-core's admin endpoints. */
export interface HttpClient {
  readonly egress: Egress;
  /** GETs `url`, following redirects; resolves with the final answer or a typed error, never rejects. */
  get(url: string, limits?: Partial<RequestLimits>): Promise<HttpResult>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Creates an HTTP client over http and https. Each request has a total deadline (the socket is destroyed
 * when it passes, even while bytes still trickle in), a body-size cap and a bounded number of redirects;
 * every hop passes the same egress guard and uses the same CAs. Failures are typed `HttpError`s:
 * `BadUrl`, `EgressDenied`, `Unreachable`, `Timeout`, `TooLarge`, `TlsError`, `TooManyRedirects`.
 */
export function createHttpClient(settings: HttpClientSettings = {}): HttpClient {
  const egress = settings.egress ?? 'any';
  // A PEM bundle is added to Node's default CAs, never in their place. The context is made once: made per
  // request (as `ca` does), parsing Node's ~140 root certificates cost 20-30 ms of CPU for every https read.
  const secureContext = settings.caBundle ? tls.createSecureContext({ ca: [...tls.rootCertificates, settings.caBundle] }) : undefined;
  return {
    egress,
    get: (url, limits) => getFollowing(url, { ...DEFAULT_LIMITS, ...limits }, egress, secureContext),
  };
}

/**
 * The client the environment asks for: `STEWARD_EGRESS` (`any` by default, or `loopback`) and
 * `STEWARD_CA_BUNDLE` (path of a PEM file of extra trusted CAs). Throws an Error naming the variable when
 * the egress value is unknown or the bundle cannot be read or holds no certificate.
 */
export function httpClientFromEnv(env: NodeJS.ProcessEnv = process.env): HttpClient {
  const egress = egressFromEnv(env);
  const bundlePath = env.STEWARD_CA_BUNDLE?.trim();
  return createHttpClient({ egress, caBundle: bundlePath ? readCaBundle(bundlePath) : undefined });
}

/** Reads a PEM CA bundle; throws an Error (with its cause) naming `STEWARD_CA_BUNDLE` when unusable. */
export function readCaBundle(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`STEWARD_CA_BUNDLE=${file} cannot be read: point it at a PEM file of CA certificates, or unset it`, { cause: error });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`STEWARD_CA_BUNDLE=${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----): point it at a PEM CA bundle`);
  }
  return text;
}

let fromEnv: HttpClient | undefined;

/** The process's client from the environment (`httpClientFromEnv`), made on first use. */
export function defaultHttpClient(): HttpClient {
  fromEnv ??= httpClientFromEnv();
  return fromEnv;
}

type Hop = { status: number; location?: string; body: string } | { error: HttpError };

async function getFollowing(start: string, limits: RequestLimits, egress: Egress, secureContext: tls.SecureContext | undefined): Promise<HttpResult> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.deadlineMs);
  try {
    let url = start;
    for (let redirects = 0; ; redirects += 1) {
      const target = parseUrl(url);
      if ('error' in target) return { ok: false, error: target.error };
      const refusal = egressRefusal(target, egress);
      if (refusal) return { ok: false, error: refusal };
      const hop = await requestOnce(target, { limits, egress, secureContext, signal: deadline.signal });
      if ('error' in hop) return { ok: false, error: hop.error };
      if (!REDIRECTS.has(hop.status) || hop.location === undefined) return { ok: true, status: hop.status, body: hop.body, url };
      if (redirects >= limits.maxRedirects) {
        return { ok: false, error: { type: 'TooManyRedirects', message: `${start}: more than ${limits.maxRedirects} redirects (last to ${hop.location})` } };
      }
      url = new URL(hop.location, target).toString();
    }
  } finally {
    clearTimeout(timer);
  }
}

function parseUrl(text: string): URL | { error: HttpError } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: { type: 'BadUrl', message: `${text} is not a URL` } };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: { type: 'BadUrl', message: `${text}: only http and https are supported` } };
  return url;
}

interface HopContext {
  limits: RequestLimits;
  egress: Egress;
  secureContext: tls.SecureContext | undefined;
  signal: AbortSignal;
}

/** One request without following redirects; the body of a redirect is discarded. */
function requestOnce(url: URL, context: HopContext): Promise<Hop> {
  const { limits, signal } = context;
  return new Promise((resolve) => {
    let settled = false;
    let tlsPhase = false;
    const settle = (hop: Hop): void => {
      if (settled) return;
      settled = true;
      resolve(hop);
    };
    const failed = (error: Error): void => settle({ error: classify(url, error, signal.aborted, tlsPhase, limits.deadlineMs) });
    const secure = url.protocol === 'https:';
    const options: https.RequestOptions & { secureContext?: tls.SecureContext } = { signal, agent: false, headers: { accept: 'application/json, */*' } };
    if (context.egress === 'loopback') options.lookup = loopbackLookup;
    if (secure && context.secureContext) options.secureContext = context.secureContext;
    const request = (secure ? https : http).request(url, options, (response) => {
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        response.resume();
        settle({ status, location: response.headers.location, body: '' });
        request.destroy();
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (declared > limits.maxBytes) {
        settle({ error: tooLarge(url, limits) });
        request.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          settle({ error: tooLarge(url, limits) });
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => settle({ status, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', failed);
      response.on('close', () => {
        if (!response.complete) failed(new Error('the connection closed before the body ended'));
      });
    });
    if (secure) {
      // A failure after the TCP connection and before the handshake completed is a TLS failure.
      request.on('socket', (socket: Socket) => {
        socket.once('connect', () => (tlsPhase = true));
        socket.once('secureConnect', () => (tlsPhase = false));
      });
    }
    request.on('error', failed);
    request.end();
  });
}

function classify(url: URL, error: Error, timedOut: boolean, tlsPhase: boolean, deadlineMs: number): HttpError {
  if (timedOut) return { type: 'Timeout', message: `${url.toString()}: no complete answer within ${deadlineMs} ms` };
  if (tlsPhase) return { type: 'TlsError', message: `${url.toString()}: TLS handshake failed (${error.message}): if the server uses a private CA, add it with STEWARD_CA_BUNDLE` };
  return { type: 'Unreachable', message: `${url.toString()}: ${error.message}` };
}

function tooLarge(url: URL, limits: RequestLimits): HttpError {
  return { type: 'TooLarge', message: `${url.toString()} answered more than ${limits.maxBytes} bytes` };
}

/**
 * Name resolution under loopback egress: `localhost` is 127.0.0.1, and nothing else is ever resolved
 * (IP literals need no lookup; other names were refused by the egress guard before the request).
 */
const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname !== LOOPBACK_NAME) {
    const error = Object.assign(new Error(`egress is limited to loopback: ${hostname} is not resolved`), { code: 'EGRESS_DENIED' });
    callback(error, '', 4);
    return;
  }
  if (options.all) (callback as unknown as (e: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};
