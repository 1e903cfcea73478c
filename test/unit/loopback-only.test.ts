import net from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { createHttpClient } from '../../activities/http-client.js';
import { connectHost, mayConnect, TRIPWIRE } from '../support/loopback-only.js';

describe('the network rule tripwire of every test process', () => {
  it.each([
    [[{ host: '127.0.0.1', port: 80 }], '127.0.0.1'],
    [[[{ host: '10.0.0.9', port: 80 }, () => undefined]], '10.0.0.9'],
    [[8080], 'localhost'],
    [[8080, 'example.org'], 'example.org'],
    [['/var/run/postgresql/.s.PGSQL.5432'], undefined],
    [[{ path: '/tmp/socket' }], undefined],
    [[{ port: 80 }], 'localhost'],
  ] as const)('connect(%j) goes to %s', (args, host) => {
    expect(connectHost(args)).toBe(host);
  });

  it.each([
    ['127.0.0.1', true], ['127.45.3.9', true], ['::1', true], ['[::1]', true], ['localhost', true], [undefined, true],
    ['10.0.0.9', false], ['192.0.2.1', false], ['history.stellar.org', false], ['::2', false],
  ] as const)('a test may connect to %s: %s', (host, allowed) => {
    expect(mayConnect(host)).toBe(allowed);
  });

  it('is installed, and reads the host of the connections the HTTP client really makes (checked on loopback only)', async () => {
    expect((net.Socket.prototype as unknown as Record<symbol, unknown>)[TRIPWIRE]).toBe(true);
    // Watch the arguments Node's http passes to Socket#connect (no request ever leaves loopback here).
    const server = net.createServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.7', resolve));
    const seen: (string | undefined)[] = [];
    const tripwired = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      seen.push(connectHost(args));
      return (tripwired as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof tripwired;
    try {
      const { port } = server.address() as net.AddressInfo;
      expect(await createHttpClient({ egress: 'any' }).get(`http://127.0.0.7:${port}/info`)).toEqual(expect.objectContaining({ ok: true, status: 200 }));
    } finally {
      net.Socket.prototype.connect = tripwired;
      server.close();
    }
    expect(seen).toEqual(['127.0.0.7']);
  });

  it('fails a refused connection with NETWORK_RULE before connecting', async () => {
    // The wrapper refuses the host; the lookup throws, so even without the wrapper nothing is resolved or dialled.
    const socket = new net.Socket();
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    const guarded = net.Socket.prototype.connect as unknown as (this: net.Socket, ...a: unknown[]) => net.Socket;
    guarded.call(socket, { host: 'blocked.invalid', port: 9, lookup: () => { throw new Error('no lookup may happen'); } });
    expect((await failed).code).toBe('NETWORK_RULE');
  });
});
