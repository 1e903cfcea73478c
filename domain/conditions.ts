import { sanitizeUntrusted } from './sanitize.js';

/** The longest condition message kept, in characters. */
const MAX_CONDITION_MESSAGE = 1024;

/** A Kubernetes status condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
}

/** A condition as decided, before its transition time is known. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * Merges decided conditions into the previous ones. `lastTransitionTime` moves to `now` only when a
 * condition's status changes, so an unchanged decision yields an identical list (and no status write).
 * Messages often quote what a node or server answered, so each one passes through
 * {@link sanitizeUntrusted} (no control characters, at most 1024 characters: a message may list several
 * replicas' problems, each already bounded where it was read): this is the one place every condition of
 * every kind goes through.
 */
export function mergeConditions(previous: readonly Condition[] | undefined, decided: readonly ConditionInput[], now: string): Condition[] {
  return decided.map((condition) => {
    const before = previous?.find((c) => c.type === condition.type);
    const lastTransitionTime = before && before.status === condition.status ? before.lastTransitionTime : now;
    return { ...condition, message: sanitizeUntrusted(condition.message, MAX_CONDITION_MESSAGE), lastTransitionTime };
  });
}
