/**
 * The simulator as the kubelet's prober (KWOK runs no probes): each stellar-core pod's readiness probe is
 * evaluated against the node the simulator plays, with the kubelet's period and thresholds, and the pod's
 * Ready condition follows. Pure: the simulator does the I/O.
 *
 * Understood probe: an exec of `/bin/sh -c 'curl ... http://127.0.0.1:PORT/PATH | grep -Eq PATTERN'`,
 * the form the Steward gives every stellar-core container (domain/readiness-probe.ts). It is evaluated as
 * the shell would run it: curl's `-f` fails on an HTTP status >= 400 and on no answer within the probe's
 * timeout, and grep matches the POSIX extended pattern against the body. No probe: ready once Running, as
 * the kubelet does. Any other probe is never ready (and the simulator says so), so a probe it cannot judge
 * is seen at once rather than passing silently.
 */

/** A readiness probe as the simulator understands it. */
export type ReadinessProbe =
  | { kind: 'none' }
  | { kind: 'http-grep'; port: number; path: string; pattern: RegExp; timing: ProbeTiming }
  | { kind: 'unsupported'; reason: string };

/** The kubelet's probe settings, with its defaults (period 10 s, timeout 1 s, thresholds 1 and 3). */
export interface ProbeTiming {
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** What the kubelet remembers of one pod's probe. A probed pod starts not ready. */
export interface ProbeTrack {
  ready: boolean;
  successes: number;
  failures: number;
  lastMs?: number;
}

/** What one probe run saw: no answer (refused, or slower than the timeout) or an HTTP answer. */
export type ProbeObservation = { answered: false } | { answered: true; status: number; body: string };

const SCRIPT = /^curl((?:\s+-[-\w]+(?:\s+\d+)?)*)\s+(?:'|")?http:\/\/127\.0\.0\.1:(\d+)(\/[^\s'"|]*)(?:'|")?\s*\|\s*grep\s+-Eq\s+'([^']+)'$/;

/** Reads a container's `readinessProbe` (as the API returns it). */
export function parseReadinessProbe(probe: unknown): ReadinessProbe {
  if (probe === undefined || probe === null) return { kind: 'none' };
  const spec = probe as { exec?: { command?: unknown }; periodSeconds?: number; timeoutSeconds?: number; successThreshold?: number; failureThreshold?: number };
  const command = spec.exec?.command;
  if (!Array.isArray(command) || command.length !== 3 || command[0] !== '/bin/sh' || command[1] !== '-c' || typeof command[2] !== 'string') {
    return { kind: 'unsupported', reason: 'only exec probes of the form /bin/sh -c "curl ... http://127.0.0.1:PORT/PATH | grep -Eq PATTERN" are simulated' };
  }
  const match = SCRIPT.exec(command[2].trim());
  if (!match?.[2] || !match[3] || !match[4]) return { kind: 'unsupported', reason: `cannot simulate the probe script ${JSON.stringify(command[2])}` };
  const timing: ProbeTiming = {
    periodMs: (spec.periodSeconds ?? 10) * 1000,
    timeoutMs: (spec.timeoutSeconds ?? 1) * 1000,
    successThreshold: spec.successThreshold ?? 1,
    failureThreshold: spec.failureThreshold ?? 3,
  };
  const maxTime = /--max-time\s+(\d+)/.exec(match[1] ?? '')?.[1];
  if (maxTime !== undefined) timing.timeoutMs = Math.min(timing.timeoutMs, Number(maxTime) * 1000);
  return { kind: 'http-grep', port: Number(match[2]), path: match[3], pattern: new RegExp(posixToJs(match[4])), timing };
}

/** A POSIX ERE as a JavaScript pattern: the bracket classes grep knows, the rest unchanged. */
export function posixToJs(ere: string): string {
  return ere.replace(/\[\[:space:\]\]/g, '\\s').replace(/\[\[:digit:\]\]/g, '\\d').replace(/\[\[:alpha:\]\]/g, '[A-Za-z]');
}

/** Whether the probe passes on what it saw: an answer within the timeout, a status below 400 (curl -f), the pattern found. */
export function probePasses(probe: Extract<ReadinessProbe, { kind: 'http-grep' }>, seen: ProbeObservation): boolean {
  return seen.answered && seen.status < 400 && probe.pattern.test(seen.body);
}

/** True when the probe should run at `nowMs`: first sight, or a period after the last run. */
export function probeDue(track: ProbeTrack | undefined, timing: ProbeTiming, nowMs: number): boolean {
  return track?.lastMs === undefined || nowMs - track.lastMs >= timing.periodMs;
}

/** The track after one probe run: ready after `successThreshold` passes in a row, unready after `failureThreshold` failures. */
export function nextTrack(track: ProbeTrack | undefined, passed: boolean, timing: ProbeTiming, nowMs: number): ProbeTrack {
  const successes = passed ? (track?.successes ?? 0) + 1 : 0;
  const failures = passed ? 0 : (track?.failures ?? 0) + 1;
  let ready = track?.ready ?? false;
  if (passed && successes >= timing.successThreshold) ready = true;
  if (!passed && failures >= timing.failureThreshold) ready = false;
  return { ready, successes, failures, lastMs: nowMs };
}
