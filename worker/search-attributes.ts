import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { STEWARD_SEARCH_ATTRIBUTES } from './start-options.js';

const KEYWORD = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;


/**
 * Registers the search attributes missing in a Temporal namespace, so the Web UI's list can be filtered by
 * resource. Resolves with the names it added. Throws (with what to do) when the server refuses, as
 * Temporal Cloud does: there they are created with `tcld` or in the Cloud UI.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, names: readonly string[] = STEWARD_SEARCH_ATTRIBUTES): Promise<string[]> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = names.filter((name) => !(name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return [];
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
    });
    return missing;
  } catch (error) {
    throw new Error(`cannot register the search attributes ${names.join(', ')} in Temporal namespace ${namespace} (${(error as Error).message}): ` +
      `create them as Keyword attributes yourself (temporal operator search-attribute create --name <name> --type Keyword), or set STEWARD_SEARCH_ATTRIBUTES=false`);
  }
}
