// kube-apiserver's own request counter (`apiserver_request_total` on /metrics), read as text: the scale
// benchmark counts API requests per steady iteration from it, whichever client makes them.
import https from 'node:https';
import type { KubeRest } from '../kube/rest.js';

/** Requests counted per verb (GET, LIST, PATCH, WATCH, ...). */
export type RequestsByVerb = Record<string, number>;

/**
 * Sums the samples of the request counter `metric` (kube-apiserver's `apiserver_request_total` by default,
 * or the worker's `steward_kube_requests`, with or without a `_total` suffix) of a Prometheus text exposition
 * by `key` of their labels (by default the verb: the other labels, resource, code, component..., are added up).
 */
export function requestsByVerb(text: string, key: (labels: Record<string, string>) => string = (labels) => labels.verb ?? '', metric = 'apiserver_request_total'): RequestsByVerb {
  const totals: RequestsByVerb = {};
  const prefixes = [`${metric}{`, `${metric.replace(/_total$/, '')}_total{`];
  for (const line of text.split('\n')) {
    if (!prefixes.some((prefix) => line.startsWith(prefix))) continue;
    const close = line.lastIndexOf('}');
    const labels = Object.fromEntries([...line.slice(0, close).matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
    const value = Number(line.slice(close + 1).trim().split(' ')[0]);
    if (labels.verb === undefined || !Number.isFinite(value)) continue;
    const name = key(labels);
    totals[name] = (totals[name] ?? 0) + value;
  }
  return totals;
}

/** The key of `requestsByVerb` that tells requests apart by verb and resource: `PUT pods/status`. */
export function verbAndResource(labels: Record<string, string>): string {
  const resource = labels.resource ? `${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}` : 'non-resource';
  return `${labels.verb} ${resource}`;
}

/** The requests made between two readings, per verb, without WATCH (a watch is one long request, not work per iteration). */
export function requestDelta(before: RequestsByVerb, after: RequestsByVerb): RequestsByVerb {
  const delta: RequestsByVerb = {};
  for (const [verb, count] of Object.entries(after)) {
    if (verb === 'WATCH' || verb.startsWith('WATCH ')) continue;
    const added = count - (before[verb] ?? 0);
    if (added > 0) delta[verb] = added;
  }
  return delta;
}

/** GET /metrics of the API server with the kubeconfig's credentials (the admin user may read it), summed as `requestsByVerb`. */
export async function apiserverRequests(kube: KubeRest, key?: (labels: Record<string, string>) => string): Promise<RequestsByVerb> {
  const url = new URL('/metrics', kube.server);
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'text/plain' } };
  await kube.config.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const request = https.request(url, { ...options, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((response.statusCode ?? 0) >= 400) reject(new Error(`GET ${url.href}: ${response.statusCode}: ${body.slice(0, 200)}`));
        else resolve(body);
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url.href}: no answer within 30 s`)));
    request.on('error', reject);
    request.end();
  });
  return requestsByVerb(text, key);
}

/**
 * `delta` less what the cluster does without Steward in `seconds` at `backgroundPerSecond` (node leases, the
 * controllers' resyncs, the stack's pod pollers: measured with the worker stopped), never below zero per key.
 */
export function netOfBackground(delta: RequestsByVerb, backgroundPerSecond: RequestsByVerb, seconds: number): RequestsByVerb {
  const net: RequestsByVerb = {};
  for (const [verb, count] of Object.entries(delta)) {
    const left = count - (backgroundPerSecond[verb] ?? 0) * seconds;
    if (left > 0) net[verb] = left;
  }
  return net;
}

/**
 * The text of the worker's /metrics at `address`: Steward's metrics, its own API requests among them
 * (`steward_kube_requests`, summed with `requestsByVerb`), and the Temporal SDK's.
 */
export async function workerMetrics(address: string): Promise<string> {
  const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET http://${address}/metrics: ${response.status}`);
  return response.text();
}

/**
 * Reconcile iterations the worker at `address` has run, by kind: the count of its `steward_reconcile_duration`
 * histogram (one sample per iteration, recorded only when not replaying, so replays are not counted).
 * Read at both ends of a window, this counts every workflow's iterations without querying one of them.
 */
export async function workerIterations(address: string): Promise<Record<string, number>> {
  return reconcileCounts(await workerMetrics(address));
}

/** The samples of `steward_reconcile_duration_count` summed by their `kind` label. */
export function reconcileCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^steward_reconcile_duration_count\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const kind = /(?:^|,)kind="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? '';
    const value = Number(match[2]);
    if (Number.isFinite(value)) counts[kind] = (counts[kind] ?? 0) + value;
  }
  return counts;
}
