import net from 'node:net';
import type { HttpError } from '../domain/http-errors.js';

/** Where outgoing requests may go: anywhere (`any`, the default), or loopback addresses only. */
export type Egress = 'any' | 'loopback';

/** The egress values `STEWARD_EGRESS` accepts. */
export const EGRESS_VALUES: readonly Egress[] = ['any', 'loopback'];

/** The one host name that loopback egress resolves itself, to 127.0.0.1 (never through DNS). */
export const LOOPBACK_NAME = 'localhost';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for an IP literal in 127.0.0.0/8 or ::1 (also written IPv4-mapped, `::ffff:127.x.y.z`). */
export function isLoopbackAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return LOOPBACK.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (mapped) return (parseInt(mapped[1] as string, 16) >> 8) === 127;
  return LOOPBACK.check(address, 'ipv6');
}

/**
 * Decides, before any DNS query or connection, whether `url` may be requested under `egress`. Under
 * `loopback` only loopback IP literals and `localhost` pass; anything else is an `EgressDenied` error
 * that names the host and the setting. Under `any` every host passes.
 */
export function egressRefusal(url: URL, egress: Egress): HttpError | undefined {
  return hostRefusal(url.hostname.replace(/^\[(.*)\]$/, '$1'), url.origin, egress);
}

/** `egressRefusal` for a host that is not reached by URL (a PostgreSQL server): `what` names it in the message. */
export function hostRefusal(host: string, what: string, egress: Egress): HttpError | undefined {
  if (egress === 'any') return undefined;
  if (host === LOOPBACK_NAME || isLoopbackAddress(host)) return undefined;
  return {
    type: 'EgressDenied',
    message: `${what} not contacted: egress is limited to loopback (STEWARD_EGRESS=loopback) and ${host} is not a loopback address`,
  };
}

/** The egress `STEWARD_EGRESS` asks for (`any` when unset); throws an Error naming the variable when unknown. */
export function egressFromEnv(env: NodeJS.ProcessEnv = process.env): Egress {
  const text = env.STEWARD_EGRESS?.trim() || 'any';
  if (!(EGRESS_VALUES as readonly string[]).includes(text)) {
    throw new Error(`STEWARD_EGRESS=${text} is not one of ${EGRESS_VALUES.join(', ')}: unset it or set one of these`);
  }
  return text as Egress;
}
