import { describe, expect, it } from '@jest/globals';
import { connectedAfter, planConnections, pushRetryDelayMs, type OverlayMember } from '../../domain/validator-connections.js';

const ip = (name: string): string => `10.0.0.${name.charCodeAt(0) - 96}`;
const dns = (name: string): string => `${name}-0.${name}-hl.ns.svc.cluster.local`;
/** A healthy validator whose /peers lists `authenticated` and `pending` (by name). */
const member = (name: string, authenticated: string[] = [], pending: string[] = [], extra: Partial<OverlayMember> = {}): OverlayMember => ({
  key: `ns/${name}`, dnsName: dns(name), ip: ip(name), healthy: true, overlay: { authenticated: authenticated.map(ip), pending: pending.map(ip) }, ...extra,
});
const pushes = (members: OverlayMember[]): string[] => planConnections(members, 11625).connects.map((c) => `${c.validator}->${c.peer.split('-')[0]}`);

describe('planConnections', () => {
  it.each<[string, OverlayMember[], string[]]>([
    ['three strangers: one /connect per pair, sent to the first of the two', [member('a'), member('b'), member('c')], ['ns/a->b', 'ns/a->c', 'ns/b->c']],
    ['a pair connected in either direction is left alone', [member('a', ['b']), member('b'), member('c', ['a', 'b'])], []],
    ['the other side listing the link is enough', [member('a'), member('b', ['a'])], []],
    ['a pair still connecting (pending) is waited for', [member('a', [], ['b']), member('b')], []],
    ['a newcomer is pushed to the validators that lack it', [member('a', ['b']), member('b', ['a']), member('c')], ['ns/a->c', 'ns/b->c']],
    ['nothing to or about an unhealthy validator', [member('a'), member('b', [], [], { healthy: false })], []],
    ['a validator without a pod IP is not dialled', [member('a'), member('b', [], [], { ip: undefined })], []],
    ['when the first one\'s /peers is unreadable, the second is told', [member('a', [], [], { overlay: undefined }), member('b')], ['ns/b->a']],
    ['when neither /peers is readable, nothing is sent', [member('a', [], [], { overlay: undefined }), member('b', [], [], { overlay: undefined })], []],
    ['order of the input does not matter', [member('c'), member('a')], ['ns/a->c']],
    ['a validator alone needs nothing', [member('a')], []],
  ])('%s', (_name, members, expected) => {
    expect(pushes(members)).toEqual(expected);
  });

  it('pushes carry both IPs and the peer port, for verification in /peers', () => {
    expect(planConnections([member('a'), member('b')], 11625).connects).toEqual([{ validator: 'ns/a', validatorIp: '10.0.0.1', peer: dns('b'), port: 11625, peerIp: '10.0.0.2' }]);
  });

  it('reports who is connected to whom and who misses whom, as observed', () => {
    const plan = planConnections([member('a', ['b']), member('b'), member('c', [], [], { healthy: false })], 11625);
    expect(plan.connected).toEqual({ 'ns/a': [dns('b')], 'ns/b': [dns('a')], 'ns/c': [] });
    expect(plan.missing).toEqual({ 'ns/a': [dns('c')], 'ns/b': [dns('c')], 'ns/c': [dns('a'), dns('b')] });
  });
});

describe('connectedAfter', () => {
  it('moves a verified push to connected on both ends; unverified ones stay missing', () => {
    const members = [member('a'), member('b'), member('c')];
    const after = connectedAfter(planConnections(members, 11625), [{ validator: 'ns/a', peer: dns('b') }], members);
    expect(after.connected).toEqual({ 'ns/a': [dns('b')], 'ns/b': [dns('a')], 'ns/c': [] });
    expect(after.missing).toEqual({ 'ns/a': [dns('c')], 'ns/b': [dns('c')], 'ns/c': [dns('a'), dns('b')] });
  });
});

describe('pushRetryDelayMs: missing pushes are retried ever less often, never beyond the resync', () => {
  it.each([
    [0, 30_000, 30_000],
    [1, 30_000, 1000],
    [2, 30_000, 2000],
    [3, 30_000, 4000],
    [5, 30_000, 16_000],
    [6, 30_000, 30_000],
    [500, 30_000, 30_000],
    [3, 2000, 2000],
  ])('after %i passes with a push missing (resync %i ms): %i ms', (passes, resyncMs, expected) => {
    expect(pushRetryDelayMs(passes, resyncMs)).toBe(expected);
  });
});
