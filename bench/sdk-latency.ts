// The Temporal SDK's own latency histograms on the worker's /metrics (the core's Prometheus exporter):
// where every workflow task's time went, not only a slow sample's. Read at both ends of a span, the
// difference gives the span's tasks: how long each waited to start (schedule-to-start), how long the worker
// held it (execution), and how long its local activities ran.
import { percentile } from './stats.js';

/** Cumulative bucket counts by upper bound (`le`, in the exporter's unit: ms), summed over label sets. */
export type Histogram = Map<number, number>;

/** The SDK histograms the scale bench reports, each summed over its label sets. */
export const SDK_LATENCIES = [
  { name: 'workflow task schedule-to-start', metric: 'temporal_workflow_task_schedule_to_start_latency' },
  { name: 'workflow task execution', metric: 'temporal_workflow_task_execution_latency' },
  { name: 'local activity execution', metric: 'temporal_local_activity_execution_latency' },
] as const;

/** The histogram `metric` of a Prometheus text exposition, its label sets added up; empty when absent. */
export function histogram(text: string, metric: string): Histogram {
  const buckets: Histogram = new Map();
  const prefix = `${metric}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    const le = /(?:^|[{,])le="([^"]*)"/.exec(line.slice(0, close + 1))?.[1];
    const count = Number(line.slice(close + 1).trim().split(' ')[0]);
    if (le === undefined || !Number.isFinite(count)) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    if (!Number.isNaN(bound)) buckets.set(bound, (buckets.get(bound) ?? 0) + count);
  }
  return buckets;
}

/** The observations between two readings of one histogram (`after` less `before`, bucket by bucket). */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  return new Map([...after].map(([bound, count]) => [bound, count - (before.get(bound) ?? 0)]));
}

/**
 * The upper bound of the bucket holding the p-th percentile (nearest rank) of a histogram's observations:
 * the true value is at most this. NaN with no observation; Infinity when it fell past the last bound.
 */
export function bucketPercentile(buckets: Histogram, p: number): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Number.POSITIVE_INFINITY) ?? Math.max(0, ...buckets.values());
  if (total <= 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  return bounds.find((bound) => (buckets.get(bound) ?? 0) >= rank) ?? Number.POSITIVE_INFINITY;
}

/** `schedule-to-start n=812 p50≤5 p90≤25 p99≤500 ms`, for each SDK histogram between two readings. */
export function latencyLines(before: string, after: string): string[] {
  return SDK_LATENCIES.map(({ name, metric }) => {
    const delta = histogramDelta(histogram(before, metric), histogram(after, metric));
    const n = delta.get(Number.POSITIVE_INFINITY) ?? 0;
    const at = (p: number): string => {
      const bound = bucketPercentile(delta, p);
      return Number.isFinite(bound) ? `≤${bound}` : bound > 0 ? `>${Math.max(...[...delta.keys()].filter(Number.isFinite))}` : '-';
    };
    return `${name}: n=${n} p50${at(50)} p90${at(90)} p99${at(99)} ms`;
  });
}

/**
 * `passes a second: p50=8 p99=31 max=45`: from a cumulative pass count read about every second, how evenly
 * the passes came. Bunched requeue times show as a p99 far above the mean.
 */
export function burstLine(counts: readonly { atMs: number; count: number }[]): string {
  const rates: number[] = [];
  for (let i = 1; i < counts.length; i += 1) {
    const [a, b] = [counts[i - 1], counts[i]] as [{ atMs: number; count: number }, { atMs: number; count: number }];
    if (b.atMs > a.atMs) rates.push(((b.count - a.count) * 1000) / (b.atMs - a.atMs));
  }
  if (rates.length === 0) return 'passes a second: no sample';
  const at = (p: number): string => percentile(rates, p).toFixed(1);
  const mean = rates.reduce((sum, r) => sum + r, 0) / rates.length;
  return `passes a second: n=${rates.length} mean=${mean.toFixed(1)} p50=${at(50)} p90=${at(90)} p99=${at(99)} max=${at(100)}`;
}
