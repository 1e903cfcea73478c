import { HTTP_PORT } from './stellar-core-config.js';

/**
 * The shell command of the readiness probe: true only when the node's own `/info` says `"state" : "Synced!"`
 * (stellar-core prints it with jsoncpp's styled writer, spaces around the colon; Horizon uses the same
 * test). stellar-core has no HTTP endpoint that fails while it is not synced: `/info` answers 200 in every
 * state (src/main/CommandHandler.cpp), so an httpGet probe, which only looks at the status code, cannot
 * tell. The exec probe runs inside the container on 127.0.0.1, which no NetworkPolicy filters, so the
 * admin port stays closed to everyone but the worker. The official image installs curl, grep and sh
 * (docker/Dockerfile and docker/setup in stellar/stellar-core).
 */
export const SYNCED_PROBE_SCRIPT = `curl -sf --max-time 2 http://127.0.0.1:${HTTP_PORT}/info | grep -Eq '"state"[[:space:]]*:[[:space:]]*"Synced!"'`;

/** A container probe, as the Kubernetes API spells it (the fields we use). */
export interface ContainerProbe {
  exec: { command: string[] };
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/**
 * The readiness probe of every stellar-core container: `SYNCED_PROBE_SCRIPT` every 5 s; two failures in a
 * row (about 10 s) take the pod out of its Services' endpoints, one success brings it back.
 */
export function syncedReadinessProbe(): ContainerProbe {
  return { exec: { command: ['/bin/sh', '-c', SYNCED_PROBE_SCRIPT] }, periodSeconds: 5, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 2 };
}
