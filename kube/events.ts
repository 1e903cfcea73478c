import type { ResourceRef } from '../domain/names.js';
import type { KubeRest } from './rest.js';

/** A Kubernetes Event to record on an object. */
export interface KubeEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Records Events on an object (core/v1 Events, reported by `stellar-steward`). */
export async function recordEvents(kube: KubeRest, input: ResourceRef & { kind: string; apiVersion: string; uid: string; events: KubeEvent[] }): Promise<void> {
  for (const event of input.events) {
    const now = new Date().toISOString();
    await kube.request('POST', `/api/v1/namespaces/${input.namespace}/events`, {
      body: {
        apiVersion: 'v1', kind: 'Event',
        metadata: { generateName: `${input.name}.`, namespace: input.namespace },
        involvedObject: { apiVersion: input.apiVersion, kind: input.kind, name: input.name, namespace: input.namespace, uid: input.uid },
        type: event.type, reason: event.reason, message: event.message,
        source: { component: 'stellar-steward' }, firstTimestamp: now, lastTimestamp: now, count: 1,
      },
    });
  }
}
