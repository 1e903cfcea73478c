/**
 * The annotation `steward stop` sets on a resource so that its workflow stays stopped: the watches do not
 * start a workflow for a marked resource (a validator set: for a network with any marked StellarNode).
 * `steward start` removes it.
 */
export const STOPPED_ANNOTATION = 'steward.stellar.org/stopped';

/** Object metadata as far as the stop mark goes. */
export interface MarkableMetadata {
  annotations?: Record<string, string>;
}

/** True when the object carries the stop mark (`steward.stellar.org/stopped: "true"`). */
export function isMarkedStopped(metadata: MarkableMetadata | undefined): boolean {
  return metadata?.annotations?.[STOPPED_ANNOTATION] === 'true';
}

/**
 * The JSON merge patch that sets (`stopped`) or removes the stop mark; it names only that one key, so
 * other annotations, labels and finalizers stay as they are.
 */
export function stopMarkPatch(stopped: boolean): { metadata: { annotations: Record<string, string | null> } } {
  return { metadata: { annotations: { [STOPPED_ANNOTATION]: stopped ? 'true' : null } } };
}
