/** What the autoscaler remembers between iterations (carried across continue-as-new). */
export interface AutoscalerMemory {
  /** Epoch ms of the last scale change. */
  lastScaleAt?: number;
  /** Epoch ms since when the pool has been healthy (no replica lagging) without a break. */
  healthySince?: number;
}

/** Timing of the autoscaler, in milliseconds. */
export interface AutoscalerTiming {
  /** Minimum time between two scale changes (default 60 s). */
  cooldownMs: number;
  /** How long the pool must stay healthy before one replica is removed (default 300 s). */
  stabilizationMs: number;
}

/** The default timing: a 60 s cooldown and a 300 s stabilization window. */
export const DEFAULT_AUTOSCALER_TIMING: AutoscalerTiming = { cooldownMs: 60_000, stabilizationMs: 300_000 };

/** One autoscaling decision. */
export interface ScaleDecision {
  replicas: number;
  memory: AutoscalerMemory;
  /** Why, for status, events and the workflow history. */
  reason: 'ScaledUp' | 'ScaledDown' | 'Steady' | 'Cooldown' | 'Clamped';
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
}

/**
 * Scales up to ceil(current * 1.2) (at least +1) when more than half the replicas lag; scales down by one
 * toward `target` only after `stabilizationMs` with no replica lagging; never within `cooldownMs` of the
 * last change, never outside [min, max]. A current count outside [min, max] is clamped at once.
 */
export function decideScale(input: ScaleInput, memory: AutoscalerMemory, timing: AutoscalerTiming = DEFAULT_AUTOSCALER_TIMING): ScaleDecision {
  const { current, lagging, min, max, target, now } = input;
  const clamped = Math.min(max, Math.max(min, current));
  if (clamped !== current) return { replicas: clamped, memory: { lastScaleAt: now }, reason: 'Clamped' };
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
