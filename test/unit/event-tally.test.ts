import { eventLines, tallyEvents, type CoreEvent } from '../../bench/event-tally.js';

const at = (iso: string, extra: Partial<CoreEvent> = {}): CoreEvent => ({
  reason: 'FailedScheduling', message: '0/5 nodes are available', count: 1, lastTimestamp: iso,
  source: { component: 'default-scheduler' }, involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p-0' }, ...extra,
});

describe('tallyEvents', () => {
  it('groups by component, reason and kind, most repeated first, and skips Events last seen before the window', () => {
    const since = Date.parse('2026-12-02T10:00:00Z');
    const groups = tallyEvents([
      at('2026-12-02T10:00:05Z', { count: 7 }),
      at('2026-12-02T10:00:09Z', { count: 3, involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p-1' } }),
      at('2026-12-02T09:59:00Z', { count: 100 }),
      at('2026-12-02T10:00:01Z', { reason: 'Scaled', count: 2, source: { component: 'steward' }, involvedObject: { kind: 'ReadOnlyPool' } }),
      { reason: 'Pulled', series: { count: 4, lastObservedTime: '2026-12-02T10:00:02Z' }, reportingComponent: 'kubelet', involvedObject: { kind: 'Pod' } },
    ], since);
    expect(groups.map((g) => [g.key, g.events, g.count])).toEqual([
      ['default-scheduler FailedScheduling Pod', 2, 10],
      ['kubelet Pulled Pod', 1, 4],
      ['steward Scaled ReadOnlyPool', 1, 2],
    ]);
    expect(groups[0]?.example).toBe('ns/p-0: 0/5 nodes are available');
  });

  it('says so when there is none', () => {
    expect(eventLines(tallyEvents([at('2020-01-01T00:00:00Z')], Date.now()))).toEqual(['no Events']);
  });
});
