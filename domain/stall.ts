// A pass that failed for good, or a change the API server refused, as the resource shows it: conditions
// with the cleaned message, and when the loop tries again.
import { mergeConditions, type Condition, type ConditionInput } from './conditions.js';
import { sanitizeUntrusted } from './sanitize.js';

const MAX_MESSAGE = 512;

/**
 * The innermost message of a failure chain (an ActivityFailure's cause is the activity's own error), with
 * control characters removed and cut to 512 characters, so it can go into a condition or an Event.
 */
export function failureText(error: unknown): string {
  let message = 'unknown failure';
  for (let current: unknown = error; current instanceof Error || isMessageLike(current); current = (current as { cause?: unknown }).cause) {
    const text = (current as { message?: unknown }).message;
    if (typeof text === 'string' && text.length > 0) message = text;
  }
  return cleanText(message);
}

/** Removes control characters (NUL included) and cuts `text` to 512 characters. */
export function cleanText(text: string): string {
  return sanitizeUntrusted(text, MAX_MESSAGE).replace(/\s+/g, ' ').trim();
}

/** Backoff before the next pass after `failures` failed passes in a row: 1 s doubling, at most 30 s. */
export function stallBackoffMs(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

function isMessageLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'message' in value;
}

/** A change the API server refused (422 invalid, 403 forbidden), named by object. */
export interface Refusal {
  object: string;
  message: string;
}

/** The conditions a refusal or a failed pass sets: `Stalled=True` and `Ready=False`, with the reason. */
export interface Stall {
  reason: string;
  message: string;
}

/** The stall of a pass's refusals, or undefined when nothing was refused. */
export function refusalStall(refusals: readonly Refusal[] | undefined): Stall | undefined {
  if (!refusals || refusals.length === 0) return undefined;
  const message = refusals.map((r) => `${r.object}: ${r.message}`).join('; ');
  return { reason: 'ChangeRefused', message: cleanText(`the API server refused ${message}; fix the spec or the permissions, the rest goes on`) };
}

/**
 * Puts a stall on decided conditions: `Stalled=True` and `Ready=False` with its reason and message. With
 * no stall, a decided `Stalled` stays as it is, and a missing one is added as `Stalled=False`
 * (`Reconciled`), so a cleared stall shows. `lastTransitionTime` moves only when a status changes.
 */
export function withStall(previous: readonly Condition[] | undefined, decided: readonly Condition[], stall: Stall | undefined, generation: number, now: string): Condition[] {
  const inputs: ConditionInput[] = decided.map(({ lastTransitionTime: _time, ...rest }) => rest);
  const others = inputs.filter((c) => c.type !== 'Stalled' && !(stall && c.type === 'Ready'));
  const own = inputs.find((c) => c.type === 'Stalled');
  const stalled: ConditionInput[] = stall
    ? [
        { type: 'Ready', status: 'False', reason: stall.reason, message: stall.message, observedGeneration: generation },
        { type: 'Stalled', status: 'True', reason: stall.reason, message: stall.message, observedGeneration: generation },
      ]
    : [own ?? { type: 'Stalled', status: 'False', reason: 'Reconciled', message: 'every change was accepted', observedGeneration: generation }];
  const merged = mergeConditions(previous, [...others, ...stalled], now);
  const order = (type: string): number => decided.findIndex((c) => c.type === type) >>> 0;
  return merged.sort((a, b) => order(a.type) - order(b.type));
}

/** True when `conditions` show this stall already (same reason and message): its Event was recorded. */
export function stallShown(conditions: readonly Condition[] | undefined, stall: Stall): boolean {
  const stalled = conditions?.find((c) => c.type === 'Stalled');
  return stalled?.status === 'True' && stalled.reason === stall.reason && stalled.message === stall.message;
}

/** The conditions after a pass's refusals, and the Warning Event to record when the stall is new. */
export function refusalOutcome(
  previous: readonly Condition[] | undefined,
  decided: readonly Condition[],
  refusals: readonly Refusal[] | undefined,
  generation: number,
  now: string,
): { conditions: Condition[]; events: { type: 'Warning'; reason: string; message: string }[] } {
  const stall = refusalStall(refusals);
  const conditions = withStall(previous, decided, stall, generation, now);
  const events = stall && !stallShown(previous, stall) ? [{ type: 'Warning' as const, reason: stall.reason, message: stall.message }] : [];
  return { conditions, events };
}

/** The refusals of objects that belong to one owner, matched by the owner's name in a label of each object. */
export function refusalsOf(refusals: readonly Refusal[] | undefined, objects: readonly { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } }[], label: string, owner: { namespace: string; name: string }): Refusal[] {
  const mine = new Set(objects.filter((o) => o.metadata.labels?.[label] === owner.name && (o.metadata.namespace ?? owner.namespace) === owner.namespace).map((o) => `${o.kind}/${o.metadata.name}`));
  return (refusals ?? []).filter((r) => mine.has(r.object));
}
