// The fingerprint of what Steward owns in an object: its uid and the field sets of Steward's own
// managedFields entries (server-side apply, not the status subresource). Another manager's change of a
// field Steward set moves that field out of Steward's set, and a re-created object has a new uid, so the
// fingerprint changes exactly when Steward's applied state may no longer hold; status updates by
// controllers and kubelets leave it alone.
import { digestOf } from '../domain/digest.js';
import { FIELD_MANAGER } from './rest.js';

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
  fieldsV1?: unknown;
}

/** The fingerprint of Steward's own fields of a live object (see the file's comment). */
export function stewardFieldsDigest(object: unknown): string {
  const metadata = (object as { metadata?: { uid?: string; managedFields?: ManagedFieldsEntry[] } }).metadata ?? {};
  const own = (metadata.managedFields ?? [])
    .filter((entry) => entry.manager === FIELD_MANAGER && !entry.subresource)
    .map((entry) => ({ operation: entry.operation, apiVersion: entry.apiVersion, fields: entry.fieldsV1 }));
  return digestOf({ uid: metadata.uid, own });
}
