import pg from 'pg';
import type { CheckRefusalReason, ReplicaCheckResult } from '../domain/replica-health.js';
import { serverKey, type ReplicaSetSpec } from '../domain/replica-set.js';
import { secretOptInHint, secretOptsIn, type OptInMetadata } from '../domain/replica-set-access.js';
import { checkReplica, readPrimaryLsn } from '../router/health-check.js';
import { egressFromEnv, hostRefusal } from './egress.js';
import { KubeApiError, type KubeRest } from '../kube/rest.js';

const CHECK_TIMEOUT_MS = 2000;

type Credentials = { ok: true; user: string; password?: string } | { ok: false; reason: CheckRefusalReason; error: string };

interface SecretObject {
  metadata: OptInMetadata;
  data?: Record<string, string>;
}

/**
 * Reads `username` and `password` from the Secret `namespace/name`, only when the Secret opts in to the
 * PostgresReplicaSet `setName` (`secretOptsIn`): otherwise its data is dropped unread and a refusal
 * (`SecretNotOptedIn`) says which annotation to add. A missing Secret, one without `username`, or a 403 is
 * returned as a refusal naming the Secret; other API failures are thrown (transient).
 */
async function readCredentials(kube: KubeRest, namespace: string, name: string, setName: string | undefined): Promise<Credentials> {
  const secretName = `Secret ${namespace}/${name}`;
  let secret: SecretObject | undefined;
  try {
    secret = await kube.getOptional<SecretObject>(`/api/v1/namespaces/${namespace}/secrets/${name}`);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 403) return { ok: false, reason: 'Forbidden', error: `get ${secretName}: 403 ${error.reason}: ${error.apiMessage}` };
    throw error;
  }
  if (!secret) return { ok: false, reason: 'SecretMissing', error: `${secretName} not found` };
  // Checks recorded before the opt-in carry no set name: they cannot show an opt-in, so they are refused too.
  if (setName === undefined || !secretOptsIn(secret.metadata, setName)) {
    return { ok: false, reason: 'SecretNotOptedIn', error: setName === undefined ? `${secretName} cannot be matched to a set` : secretOptInHint(setName) };
  }
  const data = secret.data;
  const decode = (key: string): string | undefined => {
    const value = data?.[key];
    return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
  };
  const user = decode('username');
  if (!user) return { ok: false, reason: 'SecretInvalid', error: `${secretName} has no 'username' key` };
  return { ok: true, user, password: decode('password') };
}

/**
 * Health-checks every replica of `spec` in parallel (connect, SELECT 1, recovery, WAL receiver streaming,
 * lag in bytes against the primary's current LSN and in time), each bounded by 2 s. Credentials come from
 * the spec's Secret, only when it opts in to the set `setName`, and never leave this function. A failing
 * replica is a result; so is a Secret that is missing, incomplete, not opted in or forbidden: every
 * replica's result is then a refusal with that reason, and no server is contacted.
 */
export async function checkReplicaServers(kube: KubeRest, namespace: string, spec: ReplicaSetSpec, setName: string | undefined): Promise<Record<string, ReplicaCheckResult>> {
  const credentials = await readCredentials(kube, namespace, spec.credentialsSecretRef.name, setName);
  if (!credentials.ok) {
    const refused: ReplicaCheckResult = { ok: false, at: Date.now(), reason: credentials.reason, error: credentials.error };
    return Object.fromEntries(spec.replicas.map((replica) => [serverKey(replica), refused]));
  }
  const { user, password } = credentials;
  const primary = spec.primary;
  // Under loopback egress (STEWARD_EGRESS) a server that is not a loopback address is never dialed (not
  // even looked up in DNS): it counts as unreachable, named, like one that does not answer.
  const egress = egressFromEnv();
  const refusalOf = (server: { host: string; port: number }) => hostRefusal(server.host, `PostgreSQL ${server.host}:${server.port}`, egress);
  const primaryRefused = refusalOf(primary);
  const primaryPool = new pg.Pool({
    host: primary.host, port: primary.port, database: primary.database ?? 'postgres', user, password, max: 1, connectionTimeoutMillis: CHECK_TIMEOUT_MS,
  });
  primaryPool.on('error', () => undefined);
  try {
    const lsn = primaryRefused ? undefined : await readPrimaryLsn(primaryPool, CHECK_TIMEOUT_MS);
    const results = await Promise.all(spec.replicas.map(async (replica) => {
      const refused = refusalOf(replica);
      if (refused) return [serverKey(replica), { ok: false, at: Date.now(), reason: 'Unreachable', error: refused.message } satisfies ReplicaCheckResult] as const;
      const target = {
        host: replica.host, port: replica.port, database: replica.database ?? 'postgres', user, password,
        applicationName: replica.applicationName ?? 'stellar-steward-health',
      };
      return [serverKey(replica), await checkReplica(target, lsn, CHECK_TIMEOUT_MS, Date.now)] as const;
    }));
    return Object.fromEntries(results);
  } finally {
    await primaryPool.end().catch(() => undefined);
  }
}
