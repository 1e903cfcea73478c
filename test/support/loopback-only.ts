// The network rule, enforced: every jest test process refuses, before any packet, a TCP connection to
// anything but loopback (127.0.0.0/8, ::1, `localhost`). The product's own guard (STEWARD_EGRESS=loopback)
// keeps tests off the network; this tripwire catches a test, or a broken guard, that would dial out anyway:
// the socket fails with `NETWORK_RULE` instead of connecting. Loaded by jest's `setupFiles`.
import net from 'node:net';
import { isLoopbackAddress, LOOPBACK_NAME } from '../../activities/egress.js';

/** Marks the wrapped `connect`, so a test can check that the tripwire is in place. */
export const TRIPWIRE = Symbol.for('stellar-steward.loopback-only');

/** Where `net.Socket#connect` was asked to go: a host (default `localhost`), or undefined for a local IPC path. */
export function connectHost(args: readonly unknown[]): string | undefined {
  // net.connect passes its normalized arguments as one array: [options, callback].
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return typeof args[1] === 'string' ? args[1] : LOOPBACK_NAME;
  if (typeof first === 'string') return undefined;
  const options = (first ?? {}) as { host?: string; path?: string | null };
  // As net.connect decides: a non-empty `path` is a local socket (http passes `path: null` for TCP).
  if (options.path) return undefined;
  return options.host ?? LOOPBACK_NAME;
}

/** True when a test may connect to `host`: loopback only. */
export function mayConnect(host: string | undefined): boolean {
  return host === undefined || host === LOOPBACK_NAME || isLoopbackAddress(host.replace(/^\[(.*)\]$/, '$1'));
}

const prototype = net.Socket.prototype as net.Socket & { [TRIPWIRE]?: true };
if (!prototype[TRIPWIRE]) {
  const connect = prototype.connect;
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const host = connectHost(args);
    if (mayConnect(host)) return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    const error = Object.assign(new Error(`network rule: a test tried to connect to ${host}; tests talk only to 127.0.0.0/8 and ::1`), { code: 'NETWORK_RULE' });
    process.nextTick(() => this.destroy(error));
    return this;
  };
  prototype.connect = guarded as typeof prototype.connect;
  prototype[TRIPWIRE] = true;
}
