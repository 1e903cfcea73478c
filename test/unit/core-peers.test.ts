import { describe, expect, it } from '@jest/globals';
import { classifyConnect, hostOf, parseCorePeers } from '../../domain/core-peers.js';

// Bodies as stellar-core's CommandHandler.cpp writes them (CommandHandler::peers, ::connect, ::safeRouter).
const PEERS = JSON.stringify({
  authenticated_peers: {
    inbound: [{ address: '10.0.0.7:11625', elapsed: 3, id: 'GABC', latency: 1, olver: 35, ver: 'v22' }],
    outbound: [{ address: '10.0.0.8:11625', elapsed: 9, id: 'GDEF', latency: 2, olver: 35, ver: 'v22' }, { address: '[fd00::1]:11625', id: 'GXYZ' }],
  },
  pending_peers: { inbound: ['10.0.0.9:40122'], outbound: ['10.0.0.10:11625'] },
}, null, 3);

describe('parseCorePeers', () => {
  it('collects authenticated and pending peers of both directions, by IP', () => {
    expect(parseCorePeers(PEERS)).toEqual({ peers: { authenticated: ['10.0.0.7', '10.0.0.8', 'fd00::1'], pending: ['10.0.0.9', '10.0.0.10'] } });
  });

  it.each([
    ['empty lists written as null by jsoncpp', '{"authenticated_peers": {"inbound": null, "outbound": null}, "pending_peers": {"inbound": null, "outbound": null}}', { authenticated: [], pending: [] }],
    ['entries without an address are skipped', '{"authenticated_peers": {"inbound": [{}], "outbound": [7]}, "pending_peers": {"inbound": [""], "outbound": null}}', { authenticated: [], pending: [] }],
  ])('%s', (_name, body, peers) => {
    expect(parseCorePeers(body)).toEqual({ peers });
  });

  it.each([
    ['booting', '{"error": "Core is booting, try again later"}', 'Booting'],
    ['an exception', '{"exception": "generic"}', 'BadResponse'],
    ['not JSON', 'Welcome\u0000', 'BadResponse'],
    ['a JSON array', '[]', 'BadResponse'],
    ['a section missing', '{"pending_peers": {}}', 'BadResponse'],
  ])('%s is a typed error', (_name, body, type) => {
    const result = parseCorePeers(body);
    expect(result.peers).toBeUndefined();
    expect(result.error?.type).toBe(type);
    expect(result.error?.message).not.toMatch(/\u0000/);
  });
});

describe('classifyConnect', () => {
  it.each([
    ['Connect to: a.ns.svc.cluster.local:11625', true, undefined],
    ['Connect to: b.ns.svc.cluster.local:11625', false, 'BadResponse'],
    ['Must specify a peer and port: connect&peer=PEER&port=PORT', false, 'BadResponse'],
    ['{"exception": "Could not resolve \'a.ns.svc.cluster.local:11625\': Host not found (authoritative)"}', false, 'BadResponse'],
    ['{"exception": "message with "quotes" that is not JSON"}', false, 'BadResponse'],
    ['{"error": "Core is booting, try again later"}', false, 'Booting'],
    ['', false, 'BadResponse'],
  ])('%j accepted: %j', (body, accepted, type) => {
    const outcome = classifyConnect(body, 'a.ns.svc.cluster.local', 11625);
    expect(outcome.accepted).toBe(accepted);
    if (!outcome.accepted) expect(outcome.error.type).toBe(type);
  });

  it('keeps the refusal text in the error', () => {
    const outcome = classifyConnect('{"exception": "Cannot parse peer address \'a_b:1\'"}', 'a_b', 1);
    expect(outcome).toEqual({ accepted: false, error: { type: 'BadResponse', message: 'stellar-core refused the command: Cannot parse peer address \'a_b:1\'' } });
  });
});

describe('hostOf', () => {
  it.each([['10.0.0.1:11625', '10.0.0.1'], ['[fd00::1]:11625', 'fd00::1'], ['10.0.0.1', '10.0.0.1'], ['fd00::1', 'fd00::1']])('%s -> %s', (address, host) => {
    expect(hostOf(address)).toBe(host);
  });
});
