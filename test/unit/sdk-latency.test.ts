import { describe, expect, it } from '@jest/globals';
import { bucketPercentile, burstLine, histogram, histogramDelta, latencyLines } from '../../bench/sdk-latency.js';

const EXPOSITION = (scale: number): string => [
  '# HELP temporal_workflow_task_schedule_to_start_latency x',
  `temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",le="10"} ${6 * scale}`,
  `temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",le="100"} ${9 * scale}`,
  `temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",le="1000"} ${10 * scale}`,
  `temporal_workflow_task_schedule_to_start_latency_bucket{namespace="default",le="+Inf"} ${10 * scale}`,
].join('\n');

describe('the SDK histograms the scale bench reads', () => {
  it('takes percentiles of the observations between two readings, as bucket bounds', () => {
    const delta = histogramDelta(histogram(EXPOSITION(1), 'temporal_workflow_task_schedule_to_start_latency'), histogram(EXPOSITION(3), 'temporal_workflow_task_schedule_to_start_latency'));
    expect(delta.get(Number.POSITIVE_INFINITY)).toBe(20);
    expect(bucketPercentile(delta, 50)).toBe(10);
    expect(bucketPercentile(delta, 90)).toBe(100);
    expect(bucketPercentile(delta, 99)).toBe(1000);
    expect(latencyLines(EXPOSITION(1), EXPOSITION(3))[0]).toBe('workflow task schedule-to-start: n=20 p50≤10 p90≤100 p99≤1000 ms');
  });

  it('says so when nothing was observed', () => {
    expect(bucketPercentile(new Map(), 99)).toBeNaN();
    expect(latencyLines('', '')[1]).toBe('workflow task execution: n=0 p50- p90- p99- ms');
  });

  it('tells bunched passes from even ones', () => {
    const even = Array.from({ length: 5 }, (_, i) => ({ atMs: i * 1000, count: i * 8 }));
    expect(burstLine(even)).toBe('passes a second: n=4 mean=8.0 p50=8.0 p90=8.0 p99=8.0 max=8.0');
    const bunched = [0, 0, 40, 40, 40].map((count, i) => ({ atMs: i * 1000, count }));
    expect(burstLine(bunched)).toContain('max=40.0');
  });
});
