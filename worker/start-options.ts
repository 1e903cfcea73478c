import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { ManagedKind } from '../domain/names.js';

/** The search attributes every Steward workflow carries (registered on the local dev server at start). */
export const STEWARD_KIND = defineSearchAttributeKey('StewardKind', SearchAttributeType.KEYWORD);
/** Namespace of the managed resource. */
export const STEWARD_NAMESPACE = defineSearchAttributeKey('StewardNamespace', SearchAttributeType.KEYWORD);
/** Name of the managed resource. */
export const STEWARD_NAME = defineSearchAttributeKey('StewardName', SearchAttributeType.KEYWORD);
/** Stellar network, where it applies. */
export const STEWARD_NETWORK = defineSearchAttributeKey('StewardNetwork', SearchAttributeType.KEYWORD);

/** The names of those attributes, registered as Keyword. */
export const STEWARD_SEARCH_ATTRIBUTES = [STEWARD_KIND, STEWARD_NAMESPACE, STEWARD_NAME, STEWARD_NETWORK].map((key) => key.name);

let attributesRefused = false;

/** False once STEWARD_SEARCH_ATTRIBUTES=false is set or the Temporal namespace refused to register them. */
export function searchAttributesEnabled(): boolean {
  return !attributesRefused && process.env.STEWARD_SEARCH_ATTRIBUTES !== 'false';
}

/** Start workflows without search attributes from now on: the Temporal namespace refused to register them. */
export function withoutSearchAttributes(): void {
  attributesRefused = true;
}

/**
 * Start options that make a workflow findable and readable in the Temporal Web UI: search attributes
 * (kind, namespace, name, network) and a one-line summary. On a Temporal server of your own, register
 * the attributes first (`temporal operator search-attribute create --name StewardKind --type Keyword`, ...)
 * or set STEWARD_SEARCH_ATTRIBUTES=false.
 */
export function startOptions(kind: ManagedKind, resource: { namespace?: string; name?: string; network?: string }): { typedSearchAttributes?: SearchAttributePair[]; staticSummary: string } {
  const summary = `${kind} ${[resource.namespace, resource.name].filter(Boolean).join('/') || resource.network || ''}`.trim();
  if (!searchAttributesEnabled()) return { staticSummary: summary };
  const pairs: SearchAttributePair[] = [{ key: STEWARD_KIND, value: kind }];
  if (resource.namespace) pairs.push({ key: STEWARD_NAMESPACE, value: resource.namespace });
  if (resource.name) pairs.push({ key: STEWARD_NAME, value: resource.name });
  if (resource.network) pairs.push({ key: STEWARD_NETWORK, value: resource.network });
  return { typedSearchAttributes: pairs, staticSummary: summary };
}
