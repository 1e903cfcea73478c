import type { Condition } from '../domain/conditions.js';
import { stallShown, withStall, type Stall } from '../domain/stall.js';
import { recordEvents, type KubeEvent } from '../kube/events.js';
import { unlessGone } from '../kube/apply-objects.js';
import type { KubeRest } from '../kube/rest.js';

/** A custom resource the loop reports on. */
export interface StallTarget {
  apiVersion: string;
  kind: string;
  plural: string;
  namespace: string;
  name: string;
}

interface Reported {
  metadata: { uid: string; generation: number };
  status?: { conditions?: Condition[] } & Record<string, unknown>;
}

/**
 * The report of a pass that failed for good: the custom resource gets `Stalled=True` and `Ready=False` with
 * the failure, through the status subresource (the rest of its status kept), and a Warning Event when the
 * stall is new. A resource that is gone is skipped.
 */
export function createStallActivities(kube: KubeRest) {
  return {
    /** Records Events on a custom resource (skipped when its namespace is gone). */
    async recordResourceEvents(input: { target: StallTarget; uid: string; events: KubeEvent[] }): Promise<void> {
      await unlessGone(() => recordEvents(kube, { ...input.target, uid: input.uid, events: input.events }));
    },

    /** Shows `stall` on each target's status and as a Warning Event (once per distinct stall). */
    async reportStalled(input: { targets: StallTarget[]; stall: Stall }): Promise<void> {
      for (const target of input.targets) {
        const path = `/apis/${target.apiVersion}/namespaces/${target.namespace}/${target.plural}/${target.name}`;
        const current = await kube.getOptional<Reported>(path);
        if (!current || stallShown(current.status?.conditions, input.stall)) continue;
        const conditions = withStall(current.status?.conditions, current.status?.conditions ?? [], input.stall, current.metadata.generation, new Date().toISOString());
        const object = { apiVersion: target.apiVersion, kind: target.kind, metadata: { name: target.name, namespace: target.namespace } };
        await unlessGone(() => kube.apply(`${path}/status`, { ...object, status: { ...current.status, conditions } }));
        await unlessGone(() => recordEvents(kube, { ...target, uid: current.metadata.uid, events: [{ type: 'Warning', reason: input.stall.reason, message: input.stall.message }] }));
      }
    },
  };
}
