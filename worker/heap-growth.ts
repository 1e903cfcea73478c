import v8 from 'node:v8';

/**
 * How far V8 lets a heap grow past what survived its last full collection before it collects again, in
 * percent, for every heap of the worker (the main thread's and the workflow thread's). V8's own factor
 * varies from 1.1 to 4 with its measured collection speed; bench/scale.ts at 1,000 pools (session 15,
 * `--trace-gc`) found both heaps holding 1.6-1.7 times what survived: 271 MiB for 167 on the main thread,
 * up to 261 for 164 on the workflow thread.
 */
export const DEFAULT_HEAP_GROWING_PERCENT = 20;

/**
 * The percent from STEWARD_HEAP_GROWING_PERCENT (default DEFAULT_HEAP_GROWING_PERCENT); 0 leaves V8's
 * own factor. Throws naming the variable when it is not a whole number from 0 to 300.
 */
export function heapGrowingPercentFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.STEWARD_HEAP_GROWING_PERCENT;
  if (text === undefined) return DEFAULT_HEAP_GROWING_PERCENT;
  const percent = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(percent <= 300)) {
    throw new Error(`STEWARD_HEAP_GROWING_PERCENT=${text} is not a whole number from 0 to 300: use 0 for V8's own growth, or about 20 to bound the heaps`);
  }
  return percent;
}

/**
 * Sets V8's heap growing factor to 1 + `percent`/100 for the whole process: V8's flags are process-wide,
 * and V8 reads this one at every full collection, so heaps created later (the workflow thread's) and those
 * already running both follow it. 0 changes nothing.
 */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
