// Which Events the cluster recorded in a window: who sent them, why, about what. A fleet left alone should
// record next to none; when the API server's request counts show Events PATCHed (a repeat of the same Event
// raises its count), this says which component repeats what.
import type { KubeRest } from '../kube/rest.js';

/** The parts of a core/v1 Event the tally reads. */
export interface CoreEvent {
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string };
  reportingComponent?: string;
  involvedObject?: { kind?: string; namespace?: string; name?: string };
}

/** Events of one component, reason and kind of object. */
export interface EventGroup {
  key: string;
  events: number;
  count: number;
  example: string;
}

/** When the Event last happened, in ms since the epoch (0 when it names no time). */
function lastSeenMs(event: CoreEvent): number {
  const time = event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime;
  return time ? Date.parse(time) : 0;
}

/** The Events last seen at `sinceMs` or later, grouped by component, reason and object kind, most repeated first. */
export function tallyEvents(events: CoreEvent[], sinceMs: number): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const event of events) {
    if (lastSeenMs(event) < sinceMs) continue;
    const component = event.source?.component || event.reportingComponent || 'unknown';
    const key = `${component} ${event.reason ?? '?'} ${event.involvedObject?.kind ?? '?'}`;
    const group = groups.get(key) ?? { key, events: 0, count: 0, example: '' };
    group.events += 1;
    group.count += event.series?.count ?? event.count ?? 1;
    if (!group.example) group.example = `${event.involvedObject?.namespace ?? ''}/${event.involvedObject?.name ?? ''}: ${(event.message ?? '').slice(0, 160)}`;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** One line per group, at most `limit`: `component reason kind: N events, count C (e.g. ns/name: message)`. */
export function eventLines(groups: EventGroup[], limit = 5): string[] {
  if (groups.length === 0) return ['no Events'];
  return groups.slice(0, limit).map((g) => `${g.key}: ${g.events} events, count ${g.count} (e.g. ${g.example})`);
}

/** Every Event of the cluster (all namespaces), for `tallyEvents`. */
export async function clusterEvents(kube: KubeRest): Promise<CoreEvent[]> {
  const list = await kube.request<{ items?: CoreEvent[] }>('GET', '/api/v1/events');
  return list.items ?? [];
}
