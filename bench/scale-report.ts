// The scale benchmark's command line and its result table (pure).
import { parseArgs } from 'node:util';

/** What one `bench/scale.ts` invocation runs. */
export interface ScalePlan {
  /** Pool counts, one run each. */
  pools: number[];
  /** Pool interval in seconds for each run (as many as `pools`). */
  intervals: number[];
  /** Length of the steady window in pool intervals. */
  steadyIterations: number;
  /** Spec changes timed per run. */
  specSamples: number;
  /** Add 100 Tenants and 100 validators to every run. */
  mix: boolean;
  smoke: boolean;
}

const SMOKE: ScalePlan = { pools: [5], intervals: [3], steadyIterations: 2, specSamples: 2, mix: false, smoke: true };

/**
 * Reads `--pools 100,300,1000 --interval 30[,60,...] --steady-iterations K --spec-samples S --mix --smoke`.
 * `--interval` is one value for every run or one per pool count. `--smoke` alone is 5 pools at 3 s, 2 steady
 * iterations and 2 spec changes; other flags given with it still apply. Throws on anything else.
 */
export function scalePlan(argv: readonly string[]): ScalePlan {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      pools: { type: 'string' }, interval: { type: 'string' }, 'steady-iterations': { type: 'string' },
      'spec-samples': { type: 'string' }, mix: { type: 'boolean', default: false }, smoke: { type: 'boolean', default: false },
    },
  });
  const base: ScalePlan = values.smoke ? SMOKE : { pools: [100, 300, 1000], intervals: [60], steadyIterations: 3, specSamples: 20, mix: false, smoke: false };
  const pools = values.pools === undefined ? base.pools : list('pools', values.pools);
  const intervals = values.interval === undefined ? base.intervals : list('interval', values.interval);
  if (intervals.length !== 1 && intervals.length !== pools.length) throw new Error(`--interval ${values.interval}: give one interval, or one per pool count (${pools.length})`);
  return {
    pools,
    intervals: pools.map((_, i) => (intervals.length === 1 ? intervals[0] : intervals[i]) as number),
    steadyIterations: values['steady-iterations'] === undefined ? base.steadyIterations : whole('steady-iterations', values['steady-iterations']),
    specSamples: values['spec-samples'] === undefined ? base.specSamples : whole('spec-samples', values['spec-samples']),
    mix: values.mix,
    smoke: values.smoke,
  };
}

function list(name: string, text: string): number[] {
  return text.split(',').map((part) => whole(name, part.trim()));
}

function whole(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} ${text}: a whole number of at least 1 is needed`);
  return value;
}

/** The figures of one run, per steady iteration unless named otherwise. */
export interface ScaleRow {
  pools: number;
  mix: boolean;
  intervalSeconds: number;
  /** Iterations of every workflow in the steady window (the worker's `steward_reconcile_duration_count`). */
  iterations: number;
  cpuMs: { worker: number; temporal?: number; apiserver?: number };
  /** Worker resident memory in MiB: the highest since it started, and at the end. */
  workerRssMiB: { peak: number; end: number };
  historyEvents: number;
  historyBytes: number;
  apiRequests: number;
  /** API requests per iteration by verb, for the notes. */
  apiByVerb: Record<string, number>;
  /** The worker's own API requests per iteration (its `steward_kube_requests`, WATCH excluded), by verb; undefined when unread. */
  workerApiByVerb?: Record<string, number>;
  /** Spec change to StatefulSet updated, in ms. */
  specChange: { p50: number; p99: number; samples: number };
}

const HEADER = [
  'N pools', 'interval', 'iterations', 'worker CPU/it', 'Temporal CPU/it', 'kube-apiserver CPU/it (net of the fleet alone)', 'worker RSS peak / end',
  'history/it', 'API requests/it (net of the fleet alone)', 'the worker\'s own API requests/it', 'spec change p50 / p99',
];

/** `6.5 (GET 4.0, LIST 2.5)`. */
function byVerb(total: number, counts: Record<string, number>): string {
  return `${total.toFixed(1)} (${Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([verb, n]) => `${verb} ${n.toFixed(1)}`).join(', ') || 'none'})`;
}

/** The result table in Markdown, one row per run (figures per steady iteration). */
export function scaleTable(rows: readonly ScaleRow[]): string {
  const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${value.toFixed(1)} ms`);
  const lines = rows.map((row) => [
    `${row.pools}${row.mix ? ' + 100 tenants + 100 validators' : ''}`,
    `${row.intervalSeconds} s`,
    row.iterations.toFixed(0),
    ms(row.cpuMs.worker), ms(row.cpuMs.temporal), ms(row.cpuMs.apiserver),
    `${row.workerRssMiB.peak.toFixed(0)} / ${row.workerRssMiB.end.toFixed(0)} MiB`,
    Number.isNaN(row.historyEvents) ? 'n/a (no sampled iteration)' : `${row.historyEvents.toFixed(1)} events, ${(row.historyBytes / 1024).toFixed(1)} KiB`,
    byVerb(row.apiRequests, row.apiByVerb),
    row.workerApiByVerb ? byVerb(Object.values(row.workerApiByVerb).reduce((sum, n) => sum + n, 0), row.workerApiByVerb) : 'n/a',
    `${row.specChange.p50.toFixed(0)} / ${row.specChange.p99.toFixed(0)} ms (n=${row.specChange.samples})`,
  ]);
  return [HEADER, HEADER.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
