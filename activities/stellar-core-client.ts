import http from 'node:http';
import { parseCoreInfo, type ProbeError, type ReplicaProbe } from '../domain/core-info.js';
import { classifyConnect, parseCorePeers, type ConnectOutcome, type CorePeers } from '../domain/core-peers.js';
import { HTTP_PORT } from '../domain/stellar-core-config.js';

/** Limits of one probe. */
export interface ProbeLimits {
  /** Milliseconds before a probe counts as timed out (default 2000). */
  timeoutMs: number;
  /** Largest body accepted, in bytes (default 256 KiB). */
  maxBytes: number;
}

/** Default probe limits: 2 s, 256 KiB. */
export const DEFAULT_PROBE_LIMITS: ProbeLimits = { timeoutMs: 2000, maxBytes: 256 * 1024 };

/** A plain HTTP GET with a deadline and a size bound; resolves with the body or a typed probe error. */
export function boundedGet(url: string, limits: ProbeLimits = DEFAULT_PROBE_LIMITS): Promise<{ body?: string; status?: number; error?: ProbeError }> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: limits.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          request.destroy();
          resolve({ error: { type: 'TooLarge', message: `${url} answered more than ${limits.maxBytes} bytes` } });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => resolve({ error: { type: 'Unreachable', message: `${url}: ${error.message}` } }));
    });
    request.on('timeout', () => {
      request.destroy();
      resolve({ error: { type: 'Timeout', message: `${url}: no answer within ${limits.timeoutMs} ms` } });
    });
    request.on('error', (error) => resolve({ error: { type: 'Unreachable', message: `${url}: ${error.message}` } }));
  });
}

/** Probes one replica's `GET /info` on its pod IP; every failure is a typed result, never a throw. */
export async function probeReplica(pod: { name: string; ip?: string; ready: boolean }, limits: ProbeLimits = DEFAULT_PROBE_LIMITS): Promise<ReplicaProbe> {
  if (!pod.ip) return { replica: pod.name, ready: pod.ready, error: { type: 'NoAddress', message: 'pod has no IP yet' } };
  const answer = await boundedGet(`http://${pod.ip}:${HTTP_PORT}/info`, limits);
  if (answer.error) return { replica: pod.name, ready: pod.ready, error: answer.error };
  if (answer.status !== 200) {
    return { replica: pod.name, ready: pod.ready, error: { type: 'BadResponse', message: `/info answered HTTP ${answer.status}` } };
  }
  return { replica: pod.name, ready: pod.ready, ...parseCoreInfo(answer.body ?? '') };
}

/**
 * Sends stellar-core's `GET /connect?peer=HOST&port=PORT` to a node. stellar-core answers command errors
 * with HTTP 200 too (src/main/CommandHandler.cpp), so the body decides: resolves with `{ accepted: true }`
 * only for `Connect to: HOST:PORT`; an error body, another status or no answer is `{ accepted: false, error }`.
 */
export async function connectPeer(nodeIp: string, peer: string, port: number, limits: ProbeLimits = DEFAULT_PROBE_LIMITS): Promise<ConnectOutcome> {
  const url = `http://${nodeIp}:${HTTP_PORT}/connect?peer=${encodeURIComponent(peer)}&port=${port}`;
  const answer = await boundedGet(url, limits);
  if (answer.error) return { accepted: false, error: answer.error };
  if (answer.status !== 200) return { accepted: false, error: { type: 'BadResponse', message: `/connect answered HTTP ${answer.status}` } };
  return classifyConnect(answer.body ?? '', peer, port);
}

/** Reads a node's `GET /peers` (src/main/CommandHandler.cpp `CommandHandler::peers`); every failure is a typed result. */
export async function readCorePeers(nodeIp: string, limits: ProbeLimits = DEFAULT_PROBE_LIMITS): Promise<{ peers?: CorePeers; error?: ProbeError }> {
  const answer = await boundedGet(`http://${nodeIp}:${HTTP_PORT}/peers`, limits);
  if (answer.error) return { error: answer.error };
  if (answer.status !== 200) return { error: { type: 'BadResponse', message: `/peers answered HTTP ${answer.status}` } };
  return parseCorePeers(answer.body ?? '');
}
