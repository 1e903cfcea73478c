import { liveClaimTemplates, type LiveClaimTemplate } from '../domain/claim-templates.js';
import type { ReplicaProbe } from '../domain/core-info.js';
import type { TipSource } from '../domain/freshness.js';
import type { ResourceRef } from '../domain/names.js';
import { poolNames } from '../domain/pool-names.js';
import { POOL_CONFIG_KEY } from '../domain/pool-objects.js';
import type { KubeObject } from '../domain/pool-objects.js';
import type { PodPatch, PoolEvent } from '../domain/pool-decision.js';
import type { ObservedPod, PoolObservation } from '../domain/pool-observation.js';
import type { PoolSpecInput } from '../domain/pool-spec.js';
import type { PoolStatus } from '../domain/pool-status.js';
import { digestOf } from '../domain/digest.js';
import { podHolds } from '../domain/pool-apply-check.js';
import type { OwnedRef } from '../domain/owned-fingerprint.js';
import type { LeanPoolObservation, PoolObjects, PoolReadings } from '../domain/pool-observation.js';
import { applyObjects, unlessGone, type ApplyResult } from '../kube/apply-objects.js';
import { apiReader, type KubeReader } from '../kube/object-cache.js';
import type { ObjectChange } from '../domain/object-change.js';
import { parseObjectPath } from '../kube/object-paths.js';
import { recordEvents } from '../kube/events.js';
import { ownedFingerprint } from './owned-fingerprint.js';
import type { KubeRest } from '../kube/rest.js';
import { defaultHttpClient, type HttpClient, type HttpResult } from './http-client.js';
import { sharedGet } from './shared-reads.js';
import { phaseClock, type PhaseClock } from './phase-clock.js';
import { probeReplica } from './stellar-core-client.js';

interface PoolResource {
  metadata: { name: string; namespace: string; uid: string; generation: number };
  spec: PoolSpecInput;
  status?: PoolStatus;
}

interface PodResource {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string };
  status?: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] };
}

/**
 * ReadOnlyPool activities: observe everything once (pool, pods, per-replica `/info`, archive roots),
 * apply desired objects only where they differ, write status, record Events. `http` reaches the pods and
 * the sources (default: the environment's client, see `httpClientFromEnv`).
 */
export function createPoolActivities(kube: KubeRest, http: HttpClient = defaultHttpClient(), cache?: KubeReader) {
  const api = apiReader(kube);
  const cached = cache ?? api;
  return {
    /**
     * Reads the pool, its StatefulSet, ConfigMap and pods, probes every pod and the archives; undefined when
     * the pool is gone. A pod or source that cannot be read is data in the observation (`probes`, `sourceErrors`).
     */
    async observePool(ref: ResourceRef): Promise<PoolObservation | undefined> {
      const objects = await readPoolObjects(api, ref);
      return objects && { ...objects, ...(await readPoolReadings(http, objects)) };
    },

    /**
     * The lean pass's observation: the objects from the worker's cache (from the API when `fresh`: right
     * after a write or a wake-up by a change), sent back only when their digest differs from `heldDigest`;
     * the readings (probes, tips) always; the fingerprint of the named `owned` objects. Undefined when the
     * pool is gone.
     */
    async observePoolLean(input: { ref: ResourceRef; fresh: boolean; heldDigest?: string; owned: OwnedRef[]; changes?: ObjectChange[]; written?: ObjectChange[] }): Promise<LeanPoolObservation | undefined> {
      const reader = input.fresh ? api : cached;
      const phases = phaseClock();
      if (!input.fresh) await cacheShows(reader, input.ref, input.changes ?? [], input.written ?? []);
      phases.lap('cache wait');
      const objects = await readPoolObjects(reader, input.ref);
      phases.lap('objects');
      if (!objects) return undefined;
      const [readings, ownedDigest] = await Promise.all([
        readPoolReadings(http, objects, phases),
        ownedFingerprint(reader, { namespace: input.ref.namespace, labelSelector: poolSelector(input.ref) }, input.owned).finally(() => phases.lap('fingerprint')),
      ]);
      phases.report(`observation of pool ${input.ref.namespace}/${input.ref.name}${input.fresh ? ' (API)' : ' (cache)'}`);
      const objectsDigest = digestOf(objects);
      return { v: 1, objectsDigest, ...(objectsDigest === input.heldDigest ? {} : { objects }), readings, ownedDigest };
    },

    /**
     * Applies objects by server-side apply, skipping each one that already holds every desired field,
     * and pod label/annotation patches that already hold: a steady pool makes no write. The live objects
     * are read from the API, or from the worker's cache when `cachedReads` (an apply within the workflow
     * task of an observation that found the cache showing the pass's earlier writes). A lean pass (with
     * `fingerprint`) gets the owned objects' fingerprint and, unless it deleted anything, the owned objects
     * it wrote at their new versions.
     */
    async applyPool(input: { namespace: string; objects: KubeObject[]; obsoleteServices?: string[]; obsoleteRoute?: string; podPatches: PodPatch[]; observedPods: ObservedPod[]; fingerprint?: { ref: ResourceRef; owned: OwnedRef[] }; cachedReads?: boolean }): Promise<ApplyResult & { ownedDigest?: string; written?: ObjectChange[] }> {
      const fingerprints = new Map<string, string>();
      const written: ObjectChange[] = [];
      const fromCache = input.cachedReads && input.fingerprint ? { reader: cached, labelSelector: poolSelector(input.fingerprint.ref) } : {};
      const phases = phaseClock();
      const what = `apply of pool ${input.namespace}/${input.fingerprint?.ref.name ?? '?'}${input.cachedReads ? ' (cache)' : ' (API)'}`;
      const result = await applyObjects(kube, input.objects, { fingerprints, written, ...fromCache });
      phases.lap(`objects (${result.applied.length} written, ${result.unchanged} holding)`);
      if (input.obsoleteRoute) {
        await unlessGone(() => kube.delete(`${HTTP_ROUTES}/namespaces/${input.namespace}/httproutes/${input.obsoleteRoute}`));
        result.applied.push(`HTTPRoute/${input.obsoleteRoute} (deleted)`);
      }
      for (const name of input.obsoleteServices ?? []) {
        await unlessGone(() => kube.delete(`/api/v1/namespaces/${input.namespace}/services/${name}`));
        result.applied.push(`Service/${name} (deleted)`);
      }
      for (const patch of input.podPatches) {
        const pod = input.observedPods.find((p) => p.name === patch.pod);
        if (pod && podHolds(pod, patch)) {
          result.unchanged += 1;
          continue;
        }
        // Pods are not in `written`: every pass compares their labels afresh, and a pod a rollout deleted
        // could never show a version again, so waiting for it would only send the next pass to the API.
        await unlessGone(async () => {
          await kube.apply(`/api/v1/namespaces/${input.namespace}/pods/${patch.pod}`, {
            apiVersion: 'v1', kind: 'Pod', metadata: { name: patch.pod, namespace: input.namespace, labels: patch.labels, annotations: patch.annotations },
          });
          result.applied.push(`Pod/${patch.pod}`);
        });
      }
      // The fingerprint the next steady observation must see again: as the writes' answers and the reads
      // that found objects holding show them (an object without one, its namespace gone, is read again).
      phases.lap('deletions and pod labels');
      if (!input.fingerprint) {
        phases.report(what);
        return result;
      }
      const ownedDigest = await ownedFingerprint(api, { namespace: input.fingerprint.ref.namespace, labelSelector: poolSelector(input.fingerprint.ref) }, input.fingerprint.owned, fingerprints);
      phases.lap('fingerprint');
      phases.report(what);
      // A deletion has no version a cache could be asked to show: the next pass then reads the API.
      const deleted = Boolean(input.obsoleteRoute) || (input.obsoleteServices?.length ?? 0) > 0;
      return { ...result, ownedDigest, ...(deleted ? {} : { written }) };
    },

    /** Writes the pool's status through the status subresource (a pool deleted meanwhile is skipped). */
    async writePoolStatus(input: ResourceRef & { status: PoolStatus }): Promise<void> {
      const phases = phaseClock();
      await unlessGone(() => kube.apply(`${poolPath(input)}/status`, {
        apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: input.name, namespace: input.namespace }, status: input.status,
      }));
      phases.lap('status apply');
      phases.report(`status write of pool ${input.namespace}/${input.name}`);
    },

    /** Records Kubernetes Events on the pool (skipped when its namespace is gone). */
    async recordPoolEvents(input: ResourceRef & { uid: string; events: PoolEvent[] }): Promise<void> {
      await unlessGone(() => recordEvents(kube, { kind: 'ReadOnlyPool', apiVersion: 'stellar.org/v1alpha1', ...input }));
    },
  };
}

const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** The label selector of a pool's objects (`k=v,...`): they carry the pool's selector labels. */
function poolSelector(ref: ResourceRef): string {
  return Object.entries(poolNames(ref).selector).map(([key, value]) => `${key}=${value}`).join(',');
}

/** The pool's REST path. */
const poolPath = (ref: ResourceRef): string => `/apis/stellar.org/v1alpha1/namespaces/${ref.namespace}/readonlypools/${ref.name}`;

/** How long a pass that changes woke waits for the worker's cache to show them before it reads the API. */
const CHANGES_WAIT_MS = 1000;

/**
 * Waits until `reader` shows every one of `changes` (what the watches' signal named) and `written` (the
 * pool's own writes of earlier passes, at the versions the writes answered: until the cache shows them, an
 * apply comparing with it could find an object already holding what it wrote over); throws (the pass then
 * reads the API) after CHANGES_WAIT_MS in all.
 */
async function cacheShows(reader: KubeReader, ref: ResourceRef, changes: readonly ObjectChange[], written: readonly ObjectChange[]): Promise<void> {
  const deadline = Date.now() + CHANGES_WAIT_MS;
  const pool = poolPath(ref);
  const shows = async (change: ObjectChange, labelSelector: string | undefined, what: string): Promise<void> => {
    if (!(await reader.reflects(change, { labelSelector, waitMs: Math.max(0, deadline - Date.now()) }))) {
      throw new Error(`pool ${ref.namespace}/${ref.name}: the worker's cache does not show ${what} yet; reading the API`);
    }
  };
  for (const change of changes) {
    // The pool's watches name the pool and its pods; anything else (a hand-sent signal) is read from the
    // API, so that no signal makes the cache watch another collection (a Secret's, say).
    const collection = parseObjectPath(change.path)?.collection;
    const pod = collection?.prefix === '/api/v1' && collection.plural === 'pods' && collection.namespace === ref.namespace;
    if (change.path !== pool && !pod) throw new Error(`pool ${ref.namespace}/${ref.name}: a change of ${change.path} is not one of its watches'; reading the API`);
    // The pool is cached unfiltered, its pods under the pool's selector, as the pass reads them.
    await shows(change, pod ? poolSelector(ref) : undefined, `${change.path} at resourceVersion ${change.resourceVersion}`);
  }
  for (const change of written) {
    if (parseObjectPath(change.path)?.collection.namespace !== ref.namespace) throw new Error(`pool ${ref.namespace}/${ref.name}: ${change.path} is not in its namespace; reading the API`);
    // The owned objects are cached under the pool's selector, as the pass reads them.
    await shows(change, poolSelector(ref), `its write of ${change.path} (resourceVersion ${change.resourceVersion})`);
  }
}

/** Reads the pool, its StatefulSet, ConfigMap, Services, HTTPRoute and pods; undefined when the pool is gone. */
async function readPoolObjects(reader: KubeReader, ref: ResourceRef): Promise<PoolObjects | undefined> {
  const pool = await reader.get<PoolResource>(poolPath(ref));
  if (!pool) return undefined;
  const names = poolNames(ref);
  const owned = { labelSelector: poolSelector(ref) };
  const [statefulSet, pods, services, httpRoute, configMap] = await Promise.all([
    reader.get<{ spec: { replicas: number; volumeClaimTemplates?: LiveClaimTemplate[] } }>(`/apis/apps/v1/namespaces/${ref.namespace}/statefulsets/${names.statefulSet}`, owned),
    reader.list<PodResource>(`/api/v1/namespaces/${ref.namespace}/pods`, owned),
    reader.list<ServiceResource>(`/api/v1/namespaces/${ref.namespace}/services`, owned),
    reader.get<ServiceResource>(`${HTTP_ROUTES}/namespaces/${ref.namespace}/httproutes/${names.httpRoute}`, owned),
    reader.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${ref.namespace}/configmaps/${names.configMap}`, owned),
  ]);
  // Per-replica Services select one pod by name; only those this pool controls are its to remove.
  const replicaServices = services
    .filter((s) => s.spec?.selector?.[POD_NAME_LABEL] && s.metadata.ownerReferences?.some((o) => o.controller && o.uid === pool.metadata.uid))
    .map((s) => s.metadata.name)
    .sort();
  return {
    pool: { namespace: ref.namespace, name: ref.name, uid: pool.metadata.uid, generation: pool.metadata.generation, spec: pool.spec, status: pool.status },
    replicaServices,
    httpRoute: httpRoute?.metadata.ownerReferences?.some((o) => o.controller && o.uid === pool.metadata.uid) ?? false,
    statefulSetReplicas: statefulSet?.spec.replicas,
    statefulSetClaimTemplates: statefulSet && liveClaimTemplates(statefulSet.spec.volumeClaimTemplates),
    liveConfig: configMap?.data?.[POOL_CONFIG_KEY],
    pods: pods.filter((p) => !p.metadata.deletionTimestamp).map(observedPod).sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

/** Probes every pod's `/info` and reads the sources' roots: what changes from one pass to the next. */
async function readPoolReadings(http: HttpClient, objects: PoolObjects, phases?: PhaseClock): Promise<PoolReadings> {
  const [probes, archives] = await Promise.all([
    Promise.all(objects.pods.map((pod) => probeReplica(pod, http))).finally(() => phases?.lap('probes')),
    readArchiveTips(http, objects.pool.spec.historyArchiveUrls ?? [], objects.pool.spec.horizonUrl).finally(() => phases?.lap('archive roots')),
  ]);
  return { probes: probes satisfies ReplicaProbe[], tipSources: archives.sources, sourceErrors: archives.errors };
}

const HTTP_ROUTES = '/apis/gateway.networking.k8s.io/v1';

interface ServiceResource {
  metadata: { name: string; ownerReferences?: { uid: string; controller?: boolean }[] };
  spec?: { selector?: Record<string, string> };
}

function observedPod(pod: PodResource): ObservedPod {
  const ready = pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  return { name: pod.metadata.name, ready, ip: pod.status?.podIP, labels: pod.metadata.labels ?? {}, annotations: pod.metadata.annotations ?? {} };
}

/** Limits of a source read: archives and Horizon may be far away, so 5 s in all; their roots are small. */
export const SOURCE_LIMITS = { deadlineMs: 5000, maxBytes: 1024 * 1024 } as const;

/**
 * Reads each archive's root (`.well-known/stellar-history.json`) and Horizon's root document. A source
 * that cannot be read becomes one line of `errors` naming it and the failure type; nothing throws.
 */
async function readArchiveTips(http: HttpClient, archiveUrls: string[], horizonUrl: string | undefined): Promise<{ sources: TipSource[]; errors: string[] }> {
  const sources: TipSource[] = [];
  const errors: string[] = [];
  const read = async (kind: string, url: string, rootUrl: string, ledgerKey: string, networkKey: string): Promise<void> => {
    const answer = await sharedGet(http, rootUrl, SOURCE_LIMITS);
    const root = answer.ok && answer.status === 200 ? safeJson(answer.body) : undefined;
    const ledger = root?.[ledgerKey];
    if (typeof ledger === 'number') sources.push({ source: `${kind} ${url}`, ledger, network: String(root?.[networkKey] ?? '') });
    else errors.push(`${kind} ${url} unreadable: ${unreadable(answer, ledgerKey)}`);
  };
  await Promise.all([
    ...archiveUrls.map((url) => read('archive', url, `${url.replace(/\/+$/, '')}/.well-known/stellar-history.json`, 'currentLedger', 'networkPassphrase')),
    ...(horizonUrl ? [read('horizon', horizonUrl, horizonUrl, 'core_latest_ledger', 'network_passphrase')] : []),
  ]);
  sources.sort((a, b) => (a.source < b.source ? -1 : 1));
  errors.sort();
  return { sources, errors };
}

function unreadable(answer: HttpResult, ledgerKey: string): string {
  if (!answer.ok) return `${answer.error.type}: ${answer.error.message}`;
  if (answer.status !== 200) return `BadResponse: HTTP ${answer.status}`;
  return `BadResponse: no numeric ${ledgerKey}`;
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
