// Quorum-set arithmetic as stellar-core does it when it loads a config, re-derived from its sources:
// computeDefaultThreshold, generateQuorumSet(Helper) and the checks of validateConfig in
// stellar/stellar-core src/main/Config.cpp, normalizeQSetSimplify in src/scp/QuorumSetUtils.cpp, and
// isVBlocking / findClosestVBlocking in src/scp/LocalNode.cpp. Pure code, no I/O.

/** A quorum set: `threshold` of its validators and inner sets must agree. */
export interface QuorumSetShape {
  threshold: number;
  validators: string[];
  innerSets: QuorumSetShape[];
}

/** Validator qualities in stellar-core's order (LOW < MEDIUM < HIGH < CRITICAL). */
export const QUALITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
/** A validator quality. */
export type Quality = (typeof QUALITIES)[number];

/** How strict a default threshold is (Config.cpp's ValidationThresholdLevels). */
export type ThresholdLevel = 'simpleMajority' | 'byzantine' | 'allRequired';

/** One validator as the generator sees it: its key, home domain and resolved quality. */
export interface QuorumEntry {
  name: string;
  key: string;
  homeDomain: string;
  quality: Quality;
}

function rank(quality: Quality): number {
  return QUALITIES.indexOf(quality);
}

/** Config.cpp computeDefaultThreshold: majority (n - (n-1)/2), all, or byzantine (n - (n-1)/3). */
export function defaultThreshold(set: QuorumSetShape, level: ThresholdLevel): number {
  const size = set.validators.length + set.innerSets.length;
  if (size === 0) return 0;
  if (level === 'simpleMajority' && set.innerSets.length === 0) return size - Math.floor((size - 1) / 2);
  if (level === 'allRequired') return size;
  return size - Math.floor((size - 1) / 3);
}

/**
 * Config.cpp generateQuorumSet: validators sorted by quality (highest first) then home domain; one inner
 * set per home domain (simple majority), each quality level nesting the lower ones, then normalized.
 * Throws Error with stellar-core's message where it stops: a home domain with mixed qualities, or a HIGH or
 * CRITICAL home domain with fewer than 3 validators.
 */
export function generateQuorumSet(entries: readonly QuorumEntry[]): QuorumSetShape {
  const sorted = [...entries].sort((a, b) => rank(b.quality) - rank(a.quality) || (a.homeDomain < b.homeDomain ? -1 : a.homeDomain > b.homeDomain ? 1 : 0));
  return normalize(generateLevel(sorted, 0, 'CRITICAL'));
}

function generateLevel(sorted: readonly QuorumEntry[], start: number, level: Quality): QuorumSetShape {
  const set: QuorumSetShape = { threshold: 0, validators: [], innerSets: [] };
  let i = start;
  while (i < sorted.length && sorted[i]?.quality === level) {
    const first = sorted[i] as QuorumEntry;
    const inner: QuorumSetShape = { threshold: 0, validators: [], innerSets: [] };
    let j = i;
    for (; j < sorted.length && sorted[j]?.homeDomain === first.homeDomain; j += 1) {
      const entry = sorted[j] as QuorumEntry;
      if (entry.quality !== first.quality) throw new Error(`Validators '${first.name}' and '${entry.name}' must have same quality`);
      inner.validators.push(entry.key);
    }
    if (inner.validators.length < 3 && rank(first.quality) >= rank('HIGH')) {
      throw new Error(`Critical and High quality validators for '${first.homeDomain}' must have redundancy of at least 3`);
    }
    inner.threshold = defaultThreshold(inner, 'simpleMajority');
    set.innerSets.push(inner);
    i = j;
  }
  const next = sorted[i];
  if (next) set.innerSets.push(generateLevel(sorted, i, next.quality));
  set.threshold = defaultThreshold(set, level === 'CRITICAL' ? 'allRequired' : 'byzantine');
  return set;
}

/** QuorumSetUtils.cpp normalizeQSetSimplify: singleton inner sets become validators; `{t:1, {inner}}` becomes `inner`. */
export function normalize(set: QuorumSetShape): QuorumSetShape {
  const validators = [...set.validators];
  const innerSets: QuorumSetShape[] = [];
  for (const inner of set.innerSets.map(normalize)) {
    if (inner.threshold === 1 && inner.validators.length === 1 && inner.innerSets.length === 0) validators.push(inner.validators[0] as string);
    else innerSets.push(inner);
  }
  if (set.threshold === 1 && validators.length === 0 && innerSets.length === 1) return innerSets[0] as QuorumSetShape;
  return { threshold: set.threshold, validators, innerSets };
}

/** Every validator key of a quorum set, inner sets included (duplicates kept). */
export function allNodes(set: QuorumSetShape): string[] {
  return [...set.validators, ...set.innerSets.flatMap(allNodes)];
}

/** LocalNode.cpp isVBlocking: the nodes can block every quorum slice of the set. */
export function isVBlocking(set: QuorumSetShape, nodes: ReadonlySet<string>): boolean {
  if (set.threshold === 0) return false;
  const needed = 1 + set.validators.length + set.innerSets.length - set.threshold;
  const blocked = set.validators.filter((v) => nodes.has(v)).length + set.innerSets.filter((inner) => isVBlocking(inner, nodes)).length;
  return blocked >= needed;
}

/** LocalNode.cpp findClosestVBlocking, as a size: the fewest nodes whose failure blocks the set. */
export function closestVBlockingSize(set: QuorumSetShape): number {
  const needed = 1 + set.validators.length + set.innerSets.length - set.threshold;
  if (needed <= 0) return 0;
  const costs = [...set.validators.map(() => 1), ...set.innerSets.map(closestVBlockingSize)].sort((a, b) => a - b);
  return costs.slice(0, needed).reduce((sum, cost) => sum + cost, 0);
}
