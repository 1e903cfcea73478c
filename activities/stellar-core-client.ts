import { parseCoreInfo, type ProbeError, type ReplicaProbe } from '../domain/core-info.js';
import { classifyConnect, parseCorePeers, type ConnectOutcome, type CorePeers } from '../domain/core-peers.js';
import { HTTP_PORT } from '../domain/stellar-core-config.js';
import { defaultHttpClient, type HttpClient } from './http-client.js';

// Every call goes through the one HTTP client (activities/http-client.ts) with its default limits:
// a 2 s total deadline and a 256 KiB cap. Without a client the environment's is used (STEWARD_EGRESS, ...).

/** Probes one replica's `GET /info` on its pod IP; every failure is a typed result, never a throw. */
export async function probeReplica(pod: { name: string; ip?: string; ready: boolean }, http: HttpClient = defaultHttpClient()): Promise<ReplicaProbe> {
  if (!pod.ip) return { replica: pod.name, ready: pod.ready, error: { type: 'NoAddress', message: 'pod has no IP yet' } };
  const answer = await http.get(`http://${hostPart(pod.ip)}:${HTTP_PORT}/info`);
  if (!answer.ok) return { replica: pod.name, ready: pod.ready, error: answer.error };
  if (answer.status !== 200) {
    return { replica: pod.name, ready: pod.ready, error: { type: 'BadResponse', message: `/info answered HTTP ${answer.status}` } };
  }
  return { replica: pod.name, ready: pod.ready, ...parseCoreInfo(answer.body) };
}

/**
 * Sends stellar-core's `GET /connect?peer=HOST&port=PORT` to a node. stellar-core answers command errors
 * with HTTP 200 too (src/main/CommandHandler.cpp), so the body decides: resolves with `{ accepted: true }`
 * only for `Connect to: HOST:PORT`; an error body, another status or no answer is `{ accepted: false, error }`.
 */
export async function connectPeer(nodeIp: string, peer: string, port: number, http: HttpClient = defaultHttpClient()): Promise<ConnectOutcome> {
  const url = `http://${hostPart(nodeIp)}:${HTTP_PORT}/connect?peer=${encodeURIComponent(peer)}&port=${port}`;
  const answer = await http.get(url);
  if (!answer.ok) return { accepted: false, error: answer.error };
  if (answer.status !== 200) return { accepted: false, error: { type: 'BadResponse', message: `/connect answered HTTP ${answer.status}` } };
  return classifyConnect(answer.body, peer, port);
}

/** Reads a node's `GET /peers` (src/main/CommandHandler.cpp `CommandHandler::peers`); every failure is a typed result. */
export async function readCorePeers(nodeIp: string, http: HttpClient = defaultHttpClient()): Promise<{ peers?: CorePeers; error?: ProbeError }> {
  const answer = await http.get(`http://${hostPart(nodeIp)}:${HTTP_PORT}/peers`);
  if (!answer.ok) return { error: answer.error };
  if (answer.status !== 200) return { error: { type: 'BadResponse', message: `/peers answered HTTP ${answer.status}` } };
  return parseCorePeers(answer.body);
}

/** An IP as the host of a URL: IPv6 literals in brackets. */
function hostPart(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}
