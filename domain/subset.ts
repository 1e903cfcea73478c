/**
 * True when every field of `desired` holds the same value in `actual` (arrays element by element and of
 * equal length). Fields the API server adds (defaults, status, managedFields) are ignored, so an object
 * that already holds what would be applied is left alone, and a hand edit of an owned field is seen.
 */
export function holdsSubset(desired: unknown, actual: unknown): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(actual) && actual.length === desired.length && desired.every((item, i) => holdsSubset(item, actual[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([key, value]) => value === undefined || holdsSubset(value, record[key]));
  }
  return desired === actual;
}
