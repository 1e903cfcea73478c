import { refusalOutcome, refusalsOf, type Refusal } from '../domain/stall.js';
import type { ObservedNode, ValidatorDecision } from '../domain/validator-decision.js';
import { NODE_LABEL } from '../domain/validator-objects.js';
import { loopActivities as validators, stallTarget, summarized } from './activities.js';

/** Each node's status with the refusals of its own objects as `Stalled` (and a Warning Event when new). */
export async function withRefusals(statuses: ValidatorDecision['statuses'], nodes: ObservedNode[], refused: Refusal[] | undefined, objects: ValidatorDecision['objects']): Promise<ValidatorDecision['statuses']> {
  const now = new Date().toISOString();
  return Promise.all(statuses.map(async (entry) => {
    const node = nodes.find((n) => n.namespace === entry.namespace && n.name === entry.name);
    const outcome = refusalOutcome(node?.status?.conditions, entry.status.conditions, refusalsOf(refused, objects, NODE_LABEL, entry), entry.status.observedGeneration, now);
    if (node && outcome.events.length > 0) await validators.recordResourceEvents.executeWithOptions(summarized(`record events on ${entry.name}: ${outcome.events.map((e) => e.reason).join(', ')}`), [{ target: stallTarget('StellarNode', entry.namespace, entry.name), uid: node.uid, events: outcome.events }]);
    return { ...entry, status: { ...entry.status, conditions: outcome.conditions } };
  }));
}
