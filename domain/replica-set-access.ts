// Least privilege of a PostgresReplicaSet: which Secrets it may read and which pods it may label. Both are
// granted by the other side (the Secret, the pod), never taken by whoever writes the spec. Pure.

/**
 * Annotation (or label) on a Secret naming the PostgresReplicaSets of its namespace allowed to read it, as a
 * comma list (a label holds one name). The same key as a pod label names the one set allowed to route to
 * that pod when the set has no `spec.podSelector`.
 */
export const REPLICA_SET_OPT_IN = 'stellar.org/postgres-replica-set';

/** The metadata the opt-in is read from. */
export interface OptInMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The set names a comma list holds (blanks around names ignored). */
function namesIn(list: string | undefined): string[] {
  return (list ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/** True when the Secret's annotation (comma list) or label `REPLICA_SET_OPT_IN` names the set `setName`. */
export function secretOptsIn(secret: OptInMetadata, setName: string): boolean {
  const named = [...namesIn(secret.annotations?.[REPLICA_SET_OPT_IN]), ...namesIn(secret.labels?.[REPLICA_SET_OPT_IN])];
  return named.includes(setName);
}

/** What a Secret owner adds so that `setName` may read it (for messages). */
export function secretOptInHint(setName: string): string {
  return `annotate it ${REPLICA_SET_OPT_IN}=${setName} (a comma list names several sets)`;
}

/**
 * The labels a pod must carry to receive the set's route label: `spec.podSelector.matchLabels` when set
 * (and not empty), else `stellar.org/postgres-replica-set=<setName>`.
 */
export function effectivePodSelector(podSelector: { matchLabels?: Record<string, string> } | undefined, setName: string): Record<string, string> {
  const matchLabels = podSelector?.matchLabels ?? {};
  return Object.keys(matchLabels).length > 0 ? matchLabels : { [REPLICA_SET_OPT_IN]: setName };
}

/** True when `labels` carry every label of `selector`, each with the same value. */
export function selectsPod(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** `selector` as `key=value` pairs joined by commas (kubectl's form), for messages. */
export function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
}
