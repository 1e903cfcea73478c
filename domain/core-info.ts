import type { HttpErrorType } from './http-errors.js';
import { sanitizeUntrusted } from './sanitize.js';

/** What the project reads from stellar-core's `GET /info`. */
export interface CoreInfo {
  /** One of `Booting`, `Joining SCP`, `Connected`, `Catching up`, `Synced!`, `Stopping`. */
  state: string;
  ledger: number;
  network: string;
  /** Seconds since the last ledger closed, when reported. */
  ledgerAge?: number;
  build?: string;
}

/** Why a replica could not be probed: a failed request, a booting node, or a pod with no IP yet. */
export type ProbeErrorType = HttpErrorType | 'Booting' | 'NoAddress';

/** A failed probe: data, not an exception. */
export interface ProbeError {
  type: ProbeErrorType;
  message: string;
}

/** One probe result per replica. */
export interface ReplicaProbe {
  /** Pod name. */
  replica: string;
  /** Pod is Ready according to Kubernetes. */
  ready: boolean;
  info?: CoreInfo;
  error?: ProbeError;
}

/**
 * Parses the body of `GET /info` defensively (fields may be absent on old versions). Returns a probe
 * error for the booting answer, a body that is not JSON, or one without `info.state` and `info.ledger.num`.
 * Every string taken from the body is sanitized (no control characters, bounded length): it ends up in
 * status and conditions.
 */
export function parseCoreInfo(body: string): { info?: CoreInfo; error?: ProbeError } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: { type: 'BadResponse', message: `/info answered with a body that is not JSON: ${sanitizeUntrusted(body, 60)}` } };
  }
  const root = (parsed ?? {}) as { error?: unknown; info?: Record<string, unknown> };
  if (typeof root.error === 'string') {
    const type = /booting/i.test(root.error) ? 'Booting' : 'BadResponse';
    return { error: { type, message: sanitizeUntrusted(root.error) } };
  }
  const info = root.info ?? {};
  const ledger = (info.ledger ?? {}) as Record<string, unknown>;
  if (typeof info.state !== 'string' || typeof ledger.num !== 'number') {
    return { error: { type: 'BadResponse', message: '/info lacks info.state or info.ledger.num' } };
  }
  return {
    info: {
      state: sanitizeUntrusted(info.state),
      ledger: ledger.num,
      network: typeof info.network === 'string' ? sanitizeUntrusted(info.network) : '',
      ledgerAge: typeof ledger.age === 'number' ? ledger.age : undefined,
      build: typeof info.build === 'string' ? sanitizeUntrusted(info.build) : undefined,
    },
  };
}
