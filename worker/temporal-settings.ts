import fs from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';

/** Where and how to reach Temporal, read from the environment variables Temporal's own CLI reads. */
export interface TemporalSettings {
  address: string;
  namespace: string;
  connection: ConnectionOptions;
}

/**
 * Reads `TEMPORAL_ADDRESS` (default 127.0.0.1:7233), `TEMPORAL_NAMESPACE` (default `default`),
 * `TEMPORAL_API_KEY`, `TEMPORAL_TLS`, `TEMPORAL_TLS_CLIENT_CERT_PATH`, `TEMPORAL_TLS_CLIENT_KEY_PATH`,
 * `TEMPORAL_TLS_SERVER_CA_CERT_PATH` and `TEMPORAL_TLS_SERVER_NAME`. Throws naming the variable whose
 * file cannot be read.
 */
export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
  const connection: ConnectionOptions = { address };
  const certPath = env.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const keyPath = env.TEMPORAL_TLS_CLIENT_KEY_PATH;
  const caPath = env.TEMPORAL_TLS_SERVER_CA_CERT_PATH;
  const apiKey = env.TEMPORAL_API_KEY;
  const tlsWanted = env.TEMPORAL_TLS === 'true' || Boolean(certPath) || Boolean(apiKey);
  if (tlsWanted) {
    connection.tls = {
      serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME,
      serverRootCACertificate: caPath ? readSetting('TEMPORAL_TLS_SERVER_CA_CERT_PATH', caPath) : undefined,
      clientCertPair: certPath && keyPath
        ? { crt: readSetting('TEMPORAL_TLS_CLIENT_CERT_PATH', certPath), key: readSetting('TEMPORAL_TLS_CLIENT_KEY_PATH', keyPath) }
        : undefined,
    };
  }
  if (apiKey) connection.apiKey = apiKey;
  return { address, namespace, connection };
}

function readSetting(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new Error(`${variable}=${file} cannot be read (${(error as Error).message}): fix the path or unset it`);
  }
}
