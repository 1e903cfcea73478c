import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeLedgerKey } from '../../stack/simulator/ledger-key.js';
import type { SimPod } from '../../stack/simulator/node-state.js';
import { podRecordOf, type PodRecord } from '../../stack/simulator/pod-record.js';
import { staticPodSource } from '../../stack/simulator/pod-source.js';
import { answerQuery, postParams, QUERY_ERRORS, QUERY_NOT_FOUND_BODY } from '../../stack/simulator/query-responses.js';
import { BOOTING_BODY } from '../../stack/simulator/responses.js';
import { startSimulatorWith, type SimulatorHandle } from '../../stack/simulator/server.js';
import { clock, NOW, simPod, TESTNET, TIP } from '../support/sim-pods.js';

// stellar-core's query server as the simulator serves it (src/main/QueryServer.cpp, lib/httpthreaded/server.cpp).
/** A pool pod serving its query port; it started at the epoch (BASE). */
const pod = (scenarioText = '', overrides: Partial<SimPod> = {}): SimPod => simPod(scenarioText, { key: 'ns/pool-0', queryPort: 11627, ...overrides });

const int = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const bytes32 = (fill: number): Buffer => Buffer.alloc(32, fill);
const b64 = (...parts: Buffer[]): string => Buffer.concat(parts).toString('base64');
/** LedgerKey ACCOUNT of an ed25519 key filled with `fill`. */
const account = (fill: number): string => b64(int(0), int(0), bytes32(fill));
const ttl = b64(int(9), bytes32(7));
/** LedgerKey CONTRACT_DATA: a contract address, the symbol `abc`, persistent. */
const contractData = b64(int(6), int(1), bytes32(3), int(15), int(3), Buffer.from('abc\0'), int(1));
const form = (pairs: [string, string][]): string => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

describe('decodeLedgerKey', () => {
  it.each([
    ['ACCOUNT', account(1)],
    ['TTL', ttl],
    ['CONTRACT_DATA', contractData],
    ['TRUSTLINE', b64(int(1), int(0), bytes32(1), int(1), Buffer.from('USD\0'), int(0), bytes32(2))],
    ['CONFIG_SETTING', b64(int(8), int(16))],
  ])('reads a %s key', (type, key) => {
    expect(decodeLedgerKey(key).type).toBe(type);
  });

  it.each([
    ['an unknown LedgerEntryType', b64(int(10), bytes32(0))],
    ['a short account', b64(int(0), int(0), Buffer.alloc(28))],
    ['trailing bytes', b64(int(0), int(0), bytes32(1), int(0))],
    ['a length not a multiple of 4', Buffer.from([0, 0, 0]).toString('base64')],
    ['non-zero padding', b64(int(6), int(1), bytes32(3), int(15), int(3), Buffer.from('abcd'), int(1))],
    ['an unknown durability', b64(int(6), int(1), bytes32(3), int(1), int(2))],
    ['nothing', ''],
  ])('refuses %s', (_name, key) => {
    expect(() => decodeLedgerKey(key)).toThrow(/^xdr_/);
  });
});

describe('postParams (server::parsePostParams)', () => {
  it.each([
    ['key=a&key=b&ledgerSeq=5', { key: ['a', 'b'], ledgerSeq: ['5'] }],
    ['key=QUFB==', { key: ['QUFB'] }],
    ['?key=a&', { key: ['a'] }],
    ['key=&ledgerSeq=1', { key: [''], ledgerSeq: ['1'] }],
    ['key=', {}],
  ])('splits %j', (body, expected) => {
    expect(Object.fromEntries(postParams(body))).toEqual(expected);
  });
});

describe('answerQuery', () => {
  const ask = (route: string, body: string, p = pod()) => answerQuery(route, body, p, NOW, clock);
  const notFound = (body: string) => ({ status: 404, contentType: 'text/html', body });

  it('answers getledgerentry with one not-found entry per key, in order, at the current ledger', () => {
    expect(ask('/getledgerentry', form([['key', account(1)], ['key', contractData]]))).toEqual({
      status: 200, contentType: 'application/json', body: `{"entries":[{"state":"not-found"},{"state":"not-found"}],"ledgerSeq":${TIP}}\n`,
    });
  });

  it('answers getledgerentryraw with no entries (absent keys are omitted) and the ledger asked for', () => {
    expect(ask('/getledgerentryraw', form([['key', account(1)], ['ledgerSeq', String(TIP - 5)]]))).toEqual({ status: 200, contentType: 'application/json', body: `{"ledgerSeq":${TIP - 5}}\n` });
  });

  it('answers at a lagging node its own, older ledger', () => {
    expect(JSON.parse(ask('/getledgerentry', form([['key', account(1)]]), pod('lagging:20')).body)).toEqual({ entries: [{ state: 'not-found' }], ledgerSeq: TIP - 20 });
  });

  it.each([
    ['an unknown route', '/info', form([['key', account(1)]]), notFound(QUERY_NOT_FOUND_BODY)],
    ['getledgerentry without keys', '/getledgerentry', '', notFound(QUERY_ERRORS.noKey)],
    ['getledgerentry with a query string instead of a body', `/getledgerentry?key=${account(1)}`, '', notFound(QUERY_ERRORS.noKey)],
    ['getledgerentryraw without keys', '/getledgerentryraw', 'ledgerSeq=1', notFound(QUERY_ERRORS.rawNoKey)],
    ['a TTL key', '/getledgerentry', form([['key', ttl]]), notFound(QUERY_ERRORS.ttlKey)],
    ['a duplicate key', '/getledgerentry', form([['key', account(1)], ['key', account(1)]]), notFound(QUERY_ERRORS.duplicate)],
    ['a key that is no LedgerKey', '/getledgerentry', form([['key', b64(int(42))]]), notFound('exception: xdr_bad_discriminant: bad value of LedgerEntryType')],
    ['a ledger older than the snapshots', '/getledgerentry', form([['key', account(1)], ['ledgerSeq', String(TIP - 6)]]), notFound(QUERY_ERRORS.ledgerNotFound)],
    ['a ledger not closed yet', '/getledgerentryraw', form([['key', account(1)], ['ledgerSeq', String(TIP + 1)]]), notFound(QUERY_ERRORS.ledgerNotFound)],
    ['two ledgerSeq', '/getledgerentry', form([['key', account(1)], ['ledgerSeq', '1'], ['ledgerSeq', '2']]), notFound("exception: Expected exactly one 'ledgerSeq' argument")],
    ['a ledgerSeq that is no number', '/getledgerentryraw', form([['key', account(1)], ['ledgerSeq', '12x']]), notFound("exception: Failed to parse 'ledgerSeq' argument")],
    ['a broken %-escape', '/getledgerentry', 'key=%G', { status: 400, contentType: 'text/html', body: QUERY_ERRORS.badUrlEncoding }],
  ])('refuses %s like stellar-core', (_name, route, body, answer) => {
    expect(ask(route, body)).toEqual(answer);
  });

  it('answers every route with the booting error while the node boots', () => {
    expect(ask('/getledgerentry', form([['key', account(1)]]), pod('booting'))).toEqual(notFound(BOOTING_BODY));
  });

  it('keeps only the ledgers closed since the node started', () => {
    const young = pod('', { startedOnMs: NOW - 400 });
    expect(ask('/getledgerentryraw', form([['key', account(1)], ['ledgerSeq', String(TIP - 2)]]), young).status).toBe(200);
    expect(ask('/getledgerentryraw', form([['key', account(1)], ['ledgerSeq', String(TIP - 3)]]), young)).toEqual(notFound(QUERY_ERRORS.ledgerNotFound));
  });
});

describe('podRecordOf', () => {
  it('takes the query port from the first container port named query', () => {
    const base = { metadata: { namespace: 'ns', name: 'p-0', uid: 'u' }, status: { phase: 'Running', podIP: '127.0.0.9' } };
    const ports = [{ name: 'peer', containerPort: 11625 }, { name: 'query', containerPort: 11627 }];
    expect(podRecordOf({ ...base, spec: { containers: [{ ports }] } }, TESTNET)?.queryPort).toBe(11627);
    expect(podRecordOf({ ...base, spec: { containers: [{ ports: ports.slice(0, 1) }] } }, TESTNET)?.queryPort).toBeUndefined();
  });
});

describe('the simulator serving the query port', () => {
  const records: PodRecord[] = [
    { key: 'ns/pool-0', uid: 'q-a', ip: '127.79.0.1', network: TESTNET, queryPort: 11627 },
    { key: 'ns/validator-0', uid: 'q-b', ip: '127.79.0.2', network: TESTNET },
  ];
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulatorWith({ podSource: staticPodSource(records), ledgerIntervalMs: 200 });
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
  });

  const post = (url: string, body: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('answers a POST on the pod IP with the documented shape', async () => {
    const reply = await post('http://127.79.0.1:11627/getledgerentry', form([['key', account(1)]]));
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ entries: [{ state: 'not-found' }], ledgerSeq: expect.any(Number) });
  });

  it('does not listen on the query port of a pod that declares none', async () => {
    await expect(post('http://127.79.0.2:11627/getledgerentry', form([['key', account(1)]]))).rejects.toThrow(/ECONNREFUSED/);
  });
});
