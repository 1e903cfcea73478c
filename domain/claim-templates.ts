import { sameQuantity } from './quantity.js';
import { holdsSubset } from './subset.js';

/** A StatefulSet volume claim template, as applied or as observed (status and server-set metadata left out). */
export interface ClaimTemplate {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** A claim template as the API server returns it (it adds `apiVersion`, `kind`, `status`, `creationTimestamp`). */
export interface LiveClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** A live StatefulSet's claim templates without what the API server adds (status, type and server-set metadata). */
export function liveClaimTemplates(templates: readonly LiveClaimTemplate[] | undefined): ClaimTemplate[] {
  return (templates ?? []).map((template) => {
    const { name = '', labels, annotations } = template.metadata ?? {};
    return { metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }, spec: template.spec ?? {} };
  });
}

/** The claim templates to apply and the requested changes Kubernetes would refuse. */
export interface ClaimTemplateDecision {
  templates: ClaimTemplate[];
  /** One line per refused change, naming the template (`data: storage 1Gi -> 2Gi`); empty when none. */
  changes: string[];
}

/**
 * Keeps a StatefulSet's live claim templates. Kubernetes forbids changing `volumeClaimTemplates` in place
 * and refuses the whole StatefulSet (422) when they differ, which would block scaling and every other
 * change. With no live StatefulSet (`live` undefined), the desired templates are used as they are. With
 * one, each live template is kept in the live order; where the desired one is the same (quantities
 * compared by amount, the API server's `volumeMode: Filesystem` default ignored) the desired text is kept
 * with the live quantity spelling, so nothing differs; every other difference is listed in `changes`.
 */
export function keepLiveClaimTemplates(desired: readonly ClaimTemplate[], live: readonly ClaimTemplate[] | undefined): ClaimTemplateDecision {
  if (live === undefined) return { templates: [...desired], changes: [] };
  const changes: string[] = [];
  const templates = live.map((current) => {
    const wanted = desired.find((d) => d.metadata.name === current.metadata.name);
    if (!wanted) {
      changes.push(`${current.metadata.name}: kept, though no longer wanted`);
      return current;
    }
    const spelled = withLiveQuantities(wanted, current);
    if (sameTemplate(spelled, current)) return spelled;
    changes.push(`${current.metadata.name}: ${describeChange(current, wanted)}`);
    return current;
  });
  for (const wanted of desired) {
    if (!live.some((current) => current.metadata.name === wanted.metadata.name)) changes.push(`${wanted.metadata.name}: not added`);
  }
  return { templates, changes };
}

function sameTemplate(desired: ClaimTemplate, live: ClaimTemplate): boolean {
  const liveSpec = { ...live.spec };
  if (desired.spec.volumeMode === undefined && liveSpec.volumeMode === 'Filesystem') delete liveSpec.volumeMode;
  return holdsSubset(desired, live) && holdsSubset({ ...live, spec: liveSpec }, desired);
}

/** The desired template with each storage quantity that equals the live one in amount spelled as live. */
function withLiveQuantities(desired: ClaimTemplate, live: ClaimTemplate): ClaimTemplate {
  const resources = desired.spec.resources as Record<string, Record<string, string> | undefined> | undefined;
  if (!resources) return desired;
  const spelled: Record<string, Record<string, string> | undefined> = {};
  for (const [kind, amounts] of Object.entries(resources)) {
    if (!amounts) continue;
    spelled[kind] = Object.fromEntries(Object.entries(amounts).map(([name, value]) => {
      const liveValue = liveQuantity(live, kind, name);
      return [name, liveValue !== undefined && typeof value === 'string' && sameQuantity(value, liveValue) ? liveValue : value];
    }));
  }
  return { ...desired, spec: { ...desired.spec, resources: spelled } };
}

function liveQuantity(template: ClaimTemplate, kind: string, name: string): string | undefined {
  const value = (template.spec.resources as Record<string, Record<string, unknown> | undefined> | undefined)?.[kind]?.[name];
  return typeof value === 'string' ? value : undefined;
}

function describeChange(live: ClaimTemplate, wanted: ClaimTemplate): string {
  const parts: string[] = [];
  const before = liveQuantity(live, 'requests', 'storage');
  const after = liveQuantity(wanted, 'requests', 'storage');
  if (before !== after && !(before !== undefined && after !== undefined && sameQuantity(before, after))) parts.push(`storage ${before ?? '(none)'} -> ${after ?? '(none)'}`);
  const classBefore = live.spec.storageClassName;
  const classAfter = wanted.spec.storageClassName;
  if (classBefore !== classAfter) parts.push(`storageClassName ${String(classBefore ?? '(default)')} -> ${String(classAfter ?? '(default)')}`);
  return parts.length > 0 ? parts.join(', ') : 'spec differs from the live template';
}
