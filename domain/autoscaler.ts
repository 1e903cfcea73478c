/** What the autoscaler remembers between iterations (carried across continue-as-new, and in pool status). */
export interface AutoscalerMemory {
  /** Epoch ms of the last scale change. */
  lastScaleAt?: number;
  /** Epoch ms since when the pool has been settled and healthy (no replica lagging) without a break. */
  healthySince?: number;
}

/** Timing of the autoscaler, in milliseconds. */
export interface AutoscalerTiming {
  /** Minimum time between two scale changes (default 60 s). */
  cooldownMs: number;
  /** How long the pool must stay settled and healthy before one replica is removed (default 300 s). */
  stabilizationMs: number;
}

/** The default timing: a 60 s cooldown and a 300 s stabilization window. */
export const DEFAULT_AUTOSCALER_TIMING: AutoscalerTiming = { cooldownMs: 60_000, stabilizationMs: 300_000 };

/** One autoscaling decision. */
export interface ScaleDecision {
  replicas: number;
  memory: AutoscalerMemory;
  /** Why, for status, events and the workflow history. */
  reason: 'ScaledUp' | 'ScaledDown' | 'Steady' | 'Cooldown' | 'Clamped' | 'Unsettled';
}

/** The inputs of one decision. */
export interface ScaleInput {
  current: number;
  lagging: number;
  min: number;
  max: number;
  /** The spec's targetReplicas: scaling down never goes below it. */
  target: number;
  now: number;
  /**
   * False while the pool has not converged on `current`: a replica missing or not Ready, or one that
   * does not answer its probe. Default true.
   */
  settled?: boolean;
}

/**
 * Scales up to ceil(current * 1.2) (at least +1) when more than half the replicas lag; scales down by one
 * toward `target` only after `stabilizationMs` settled with no replica lagging; never within `cooldownMs`
 * of the last change, never outside [min, max]. A current count outside [min, max] is clamped at once.
 *
 * An unsettled pool (`settled: false`) is neither healthy nor lagging: it does not scale, and its
 * stabilization clock is reset (not paused). A replica that never becomes Ready (PVC Pending, image
 * pull, crash loop) thus never counts as stable time, so it cannot be removed and re-added forever
 * (3→4→3→4). Reset rather than pause because an unsettled spell is itself evidence of instability: the
 * pool must then show a whole window of health before it loses capacity, and the clock needs no
 * accumulated-time bookkeeping that would have to survive restarts.
 */
export function decideScale(input: ScaleInput, memory: AutoscalerMemory, timing: AutoscalerTiming = DEFAULT_AUTOSCALER_TIMING): ScaleDecision {
  const { current, lagging, min, max, target, now } = input;
  const clamped = Math.min(max, Math.max(min, current));
  if (clamped !== current) return { replicas: clamped, memory: { lastScaleAt: now }, reason: 'Clamped' };
  if (input.settled === false) return { replicas: current, memory: { lastScaleAt: memory.lastScaleAt }, reason: 'Unsettled' };
  const healthySince = lagging === 0 ? (memory.healthySince ?? now) : undefined;
  const next: AutoscalerMemory = { lastScaleAt: memory.lastScaleAt, healthySince };
  const coolingDown = memory.lastScaleAt !== undefined && now - memory.lastScaleAt < timing.cooldownMs;
  if (lagging * 2 > current && current < max) {
    if (coolingDown) return { replicas: current, memory: next, reason: 'Cooldown' };
    const up = Math.min(max, Math.max(current + 1, Math.ceil(current * 1.2)));
    return { replicas: up, memory: { lastScaleAt: now, healthySince: undefined }, reason: 'ScaledUp' };
  }
  const floor = Math.max(min, target);
  const stable = healthySince !== undefined && now - healthySince >= timing.stabilizationMs;
  if (current > floor && stable) {
    if (coolingDown) return { replicas: current, memory: next, reason: 'Cooldown' };
    return { replicas: current - 1, memory: { lastScaleAt: now, healthySince: now }, reason: 'ScaledDown' };
  }
  return { replicas: current, memory: next, reason: 'Steady' };
}
