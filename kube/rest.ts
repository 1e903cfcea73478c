import https from 'node:https';
import http from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { KeepAliveAgents } from './tls-agent.js';

/** The single field manager of every Steward write (server-side apply). */
export const FIELD_MANAGER = 'stellar-steward';

/** A failed Kubernetes API call: HTTP status, the API's reason and message, and what was called. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly apiMessage: string,
    readonly call: string,
  ) {
    super(`${call}: ${status} ${reason}: ${apiMessage}`);
    this.name = 'KubeApiError';
  }
}

/** Told of every request a KubeRest of this process sends, and of every watch started (method `WATCH`). */
export type RequestObserver = (method: string, path: string, contentType: string | undefined) => void;

const observers = new Set<RequestObserver>();

/** Calls `observer` for every Kubernetes API request of this process (counting only: it must not throw); returns the unsubscribe. */
export function observeKubeRequests(observer: RequestObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Tells the observers of a request sent outside `KubeRest.request` (the watches). */
export function noteKubeRequest(method: string, path: string, contentType?: string): void {
  for (const observer of observers) observer(method, path, contentType);
}

/** Options of one request. */
export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Abort after this many milliseconds (default 15000). */
  timeoutMs?: number;
}

/**
 * A thin REST client over the kubeconfig's cluster and credentials: JSON in, JSON out, API errors
 * raised as `KubeApiError`. Kept small on purpose: server-side apply needs exact control of
 * content types that the generated clients make awkward.
 */
export class KubeRest {
  readonly server: string;
  /** Connections kept open between requests (the client library would open one per request). */
  private readonly agents = new KeepAliveAgents();

  constructor(readonly config: k8s.KubeConfig) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster: set a current context (kubectl config use-context)');
    this.server = cluster.server;
  }

  /** Loads a kubeconfig file, or the default places (`KUBECONFIG`, `~/.kube/config`, in-cluster). */
  static fromFile(kubeconfigPath?: string): KubeRest {
    const config = new k8s.KubeConfig();
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromDefault();
    return new KubeRest(config);
  }

  /** Sends one request; resolves with the parsed JSON body, or undefined for 404 when `allowMissing`. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.server);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const requestOptions: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
    await this.config.applyToHTTPSOptions(requestOptions);
    if (url.protocol === 'https:') this.agents.apply(requestOptions);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) {
      // Content-Length always: Node sends a DELETE's body without it (and unchunked), which the server reads
      // as the start of the next request on a kept-alive connection (400 Bad Request).
      requestOptions.headers = { ...requestOptions.headers, 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) };
    }
    const call = `${method} ${url.pathname}`;
    noteKubeRequest(method, url.pathname, options.contentType);
    const { status, text } = await send(url, requestOptions, payload, options.timeoutMs ?? 15_000);
    // An error may come as plain text (e.g. '404 page not found' for an API group the cluster lacks).
    const parsed = text && (status < 400 || text.trimStart().startsWith('{')) ? (JSON.parse(text) as unknown) : undefined;
    if (status >= 400) {
      const body = (parsed ?? {}) as { reason?: string; message?: string };
      throw new KubeApiError(status, body.reason ?? 'Error', body.message ?? text, call);
    }
    return parsed as T;
  }

  /** GET that resolves undefined when the object does not exist. */
  async getOptional<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path);
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Server-side apply of `object` at `path` (the object's own URL, or its `/status`), with the Steward
   * field manager. Idempotent: applying the same object again changes nothing (no new resourceVersion).
   */
  async apply<T>(path: string, object: unknown): Promise<T> {
    return this.request<T>('PATCH', path, {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: FIELD_MANAGER, force: true },
    });
  }

  /**
   * JSON merge patch of `patch` at `path`, recorded under the Steward field manager as an Update. Unlike
   * an apply, it changes only the keys it names and takes no ownership from the workflows' applies; it is
   * for marks on resources Steward does not own (the stop mark, a finalizer). Throws KubeApiError (404 when
   * the object is missing, 409 when a `metadata.resourceVersion` in the patch is no longer current).
   */
  async mergePatch<T>(path: string, patch: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body: patch, contentType: 'application/merge-patch+json', query: { fieldManager: FIELD_MANAGER } });
  }

  /** DELETE that treats a missing object as already deleted. */
  async delete(path: string, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<void> {
    try {
      await this.request('DELETE', path, { body: { propagationPolicy } });
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 404)) throw error;
    }
  }
}

function send(url: URL, options: https.RequestOptions, payload: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { ...options, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${options.method} ${url.pathname}: no answer from ${url.host} within ${timeoutMs} ms`)));
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}
