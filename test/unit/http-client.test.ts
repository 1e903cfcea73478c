import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { egressFromEnv, egressRefusal, hostRefusal, isLoopbackAddress } from '../../activities/egress.js';
import { createHttpClient, httpClientFromEnv, type HttpResult } from '../../activities/http-client.js';
import { ensureSourcePki } from '../../stack/source-pki.js';

// The client against local loopback servers: redirects, the size cap, the total deadline, TLS with and
// without the CA bundle, and the egress guard.

/** Routes of the plain test server. */
function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const hops = /^\/redirect\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/ok') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"currentLedger":63}');
  } else if (hops) {
    const left = Number(hops[1]);
    res.writeHead(left % 2 ? 302 : 307, { location: left > 0 ? `/redirect/${left - 1}` : '/ok' }).end();
  } else if (url.pathname === '/loop') {
    res.writeHead(301, { location: '/loop' }).end();
  } else if (url.pathname === '/away') {
    res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
  } else if (url.pathname === '/big') {
    res.writeHead(200); // no content-length: the cap must count the bytes as they come
    for (let i = 0; i < 40; i += 1) res.write(Buffer.alloc(8 * 1024, 120));
    res.end();
  } else if (url.pathname === '/big-declared') {
    res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).write('x');
  } else if (url.pathname === '/trickle') {
    // One byte every 200 ms, forever: an idle timeout never fires, only a total deadline does.
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 200);
    res.on('close', () => clearInterval(timer));
  } else {
    res.writeHead(404).end('{}');
  }
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const errorType = (result: HttpResult): string => (result.ok ? `ok ${result.status}` : result.error.type);

describe('http client', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-client-'));
  const pki = ensureSourcePki(dir);
  const plain = http.createServer(route);
  const secure = https.createServer({ cert: fs.readFileSync(pki.serverCert), key: fs.readFileSync(pki.serverKey) }, route);
  let base = '';
  let secureBase = '';
  const bundle = fs.readFileSync(pki.caCert, 'utf8');

  beforeAll(async () => {
    base = `http://127.0.0.1:${await listen(plain)}`;
    secureBase = `https://127.0.0.1:${await listen(secure)}`;
  });
  afterAll(async () => {
    for (const server of [plain, secure]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers with the body and status, and follows redirects up to the bound', async () => {
    const client = createHttpClient();
    expect(await client.get(`${base}/ok`)).toEqual({ ok: true, status: 200, body: '{"currentLedger":63}', url: `${base}/ok` });
    expect(await client.get(`${base}/redirect/3`, { maxRedirects: 4 })).toEqual(expect.objectContaining({ ok: true, status: 200, url: `${base}/ok` }));
    expect(errorType(await client.get(`${base}/redirect/3`, { maxRedirects: 3 }))).toBe('TooManyRedirects');
    expect(errorType(await client.get(`${base}/loop`))).toBe('TooManyRedirects');
    expect(errorType(await client.get(`${base}/missing`))).toBe('ok 404');
  });

  it('caps the body size, counted or declared', async () => {
    const client = createHttpClient();
    expect(errorType(await client.get(`${base}/big`, { maxBytes: 256 * 1024 }))).toBe('TooLarge');
    expect(errorType(await client.get(`${base}/big`, { maxBytes: 512 * 1024 }))).toBe('ok 200');
    expect(errorType(await client.get(`${base}/big-declared`))).toBe('TooLarge');
  });

  it('cuts a trickling answer at the total deadline', async () => {
    const result = await createHttpClient().get(`${base}/trickle`, { deadlineMs: 1000 });
    expect(errorType(result)).toBe('Timeout');
  });

  it('reports a refused connection and a bad URL as data', async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    expect(errorType(await createHttpClient().get(`http://127.0.0.1:${port}/`))).toBe('Unreachable');
    expect(errorType(await createHttpClient().get('ftp://127.0.0.1/x'))).toBe('BadUrl');
    expect(errorType(await createHttpClient().get('not a url'))).toBe('BadUrl');
  });

  it('speaks https with a private CA only when the CA bundle holds it', async () => {
    expect(errorType(await createHttpClient({ caBundle: bundle }).get(`${secureBase}/ok`))).toBe('ok 200');
    expect(errorType(await createHttpClient({ caBundle: bundle }).get(`${secureBase.replace('127.0.0.1', 'localhost')}/redirect/2`))).toBe('ok 200');
    const refused = await createHttpClient().get(`${secureBase}/ok`);
    expect(errorType(refused)).toBe('TlsError');
    expect(refused.ok ? '' : refused.error.message).toMatch(/STEWARD_CA_BUNDLE/);
    // https to a plain HTTP server fails in the handshake too.
    expect(errorType(await createHttpClient({ caBundle: bundle }).get(`${base.replace('http:', 'https:')}/ok`))).toBe('TlsError');
  });

  it('under loopback egress refuses other hosts before any lookup or connection, also on a redirect hop', async () => {
    const client = createHttpClient({ egress: 'loopback' });
    expect(errorType(await client.get('https://history.stellar.org/prd/core-testnet/core_testnet_001/.well-known/stellar-history.json'))).toBe('EgressDenied');
    // A non-routable literal would hang until the deadline if it were dialled.
    expect(errorType(await client.get('http://10.255.255.1/', { deadlineMs: 60_000 }))).toBe('EgressDenied');
    expect(errorType(await client.get(`${base}/away?to=${encodeURIComponent('http://10.255.255.1/')}`, { deadlineMs: 60_000 }))).toBe('EgressDenied');
    expect(errorType(await client.get(`${base}/ok`))).toBe('ok 200');
    expect(errorType(await client.get(`${base.replace('127.0.0.1', 'localhost')}/ok`))).toBe('ok 200');
  });

  it('reads its settings from the environment and refuses unusable ones with the variable named', () => {
    expect(httpClientFromEnv({}).egress).toBe('any');
    expect(httpClientFromEnv({ STEWARD_EGRESS: 'loopback', STEWARD_CA_BUNDLE: pki.caCert }).egress).toBe('loopback');
    expect(() => httpClientFromEnv({ STEWARD_EGRESS: 'lan' })).toThrow(/STEWARD_EGRESS=lan/);
    expect(() => httpClientFromEnv({ STEWARD_CA_BUNDLE: path.join(dir, 'absent.pem') })).toThrow(/STEWARD_CA_BUNDLE=/);
    expect(() => httpClientFromEnv({ STEWARD_CA_BUNDLE: pki.serverKey })).toThrow(/no PEM certificate/);
  });
});

describe('egress guard', () => {
  it.each([
    ['http://127.0.0.1:11626/info', 'any', true],
    ['https://history.stellar.org/prd', 'any', true],
    ['http://127.0.0.1:11626/info', 'loopback', true],
    ['http://127.45.3.9/', 'loopback', true],
    ['http://localhost:8080/', 'loopback', true],
    ['http://[::1]:8080/', 'loopback', true],
    ['http://[::ffff:127.0.0.1]/', 'loopback', true],
    ['http://2130706433/', 'loopback', true],
    ['https://history.stellar.org/prd', 'loopback', false],
    ['http://localhost.example.com/', 'loopback', false],
    ['http://10.0.0.1/', 'loopback', false],
    ['http://128.0.0.1/', 'loopback', false],
    ['http://[::2]/', 'loopback', false],
    ['http://[::ffff:10.0.0.1]/', 'loopback', false],
    ['http://0.0.0.0/', 'loopback', false],
  ] as const)('%s under %s egress: allowed %s', (url, egress, allowed) => {
    const refusal = egressRefusal(new URL(url), egress);
    expect(refusal === undefined).toBe(allowed);
    if (refusal) expect(refusal).toEqual({ type: 'EgressDenied', message: expect.stringMatching(/egress is limited to loopback/) });
  });

  it.each([
    ['horizon-db-primary.stellar.svc', 'loopback', false],
    ['10.0.0.5', 'loopback', false],
    ['::1', 'loopback', true],
    ['127.0.0.1', 'loopback', true],
    ['localhost', 'loopback', true],
    ['horizon-db-primary.stellar.svc', 'any', true],
  ] as const)('a PostgreSQL host %s under %s egress: allowed %s', (host, egress, allowed) => {
    const refusal = hostRefusal(host, `PostgreSQL ${host}:5432`, egress);
    expect(refusal === undefined).toBe(allowed);
    if (refusal) expect(refusal.message).toContain(`PostgreSQL ${host}:5432 not contacted`);
  });

  it.each([
    [undefined, 'any'], ['', 'any'], ['loopback', 'loopback'], [' any ', 'any'],
  ] as const)('STEWARD_EGRESS=%s is %s', (value, egress) => {
    expect(egressFromEnv({ STEWARD_EGRESS: value })).toBe(egress);
  });

  it('an unknown STEWARD_EGRESS is an error naming the variable', () => {
    expect(() => egressFromEnv({ STEWARD_EGRESS: 'none' })).toThrow(/STEWARD_EGRESS=none is not one of any, loopback/);
  });

  it.each([
    ['127.0.0.1', true], ['127.255.255.254', true], ['::1', true], ['::ffff:7f00:1', true],
    ['126.0.0.1', false], ['::', false], ['localhost', false], ['', false],
  ] as const)('isLoopbackAddress(%s) is %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});
