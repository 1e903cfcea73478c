import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the pinned binaries are cached (outside the repository): `$STEWARD_CACHE/bin`,
 * default `~/.cache/stellar-steward/bin`.
 */
export function binDir(): string {
  return path.join(cacheDir(), 'bin');
}

/** The cache outside the repository: `$STEWARD_CACHE`, default `~/.cache/stellar-steward`. */
export function cacheDir(): string {
  return process.env.STEWARD_CACHE ?? path.join(os.homedir(), '.cache', 'stellar-steward');
}

/**
 * Root of the stacks' state directories (data, logs, pid files, certificates): `$STEWARD_STATE_ROOT`,
 * default `/var/tmp/stellar-steward`. It lies outside `$HOME` because PostgreSQL runs as the `postgres`
 * user, who must be able to reach its data directory.
 */
export function stateRoot(): string {
  return process.env.STEWARD_STATE_ROOT ?? path.join('/var/tmp', 'stellar-steward');
}

/**
 * The Gateway API CRD files (standard channel: GatewayClass, Gateway, HTTPRoute, GRPCRoute,
 * ReferenceGrant, BackendTLSPolicy, ...) fetched by the install script, sorted; empty when not fetched.
 * Installed by tests and the demo, not by the product. The version is the one the stack's Traefik is
 * built against (see GATEWAY_API_VERSION in stack/install/install-binaries.sh).
 */
export function gatewayApiCrds(): string[] {
  const dir = path.join(cacheDir(), 'crds', `gateway-api-${GATEWAY_API_VERSION}`);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((file) => file.endsWith('.yaml')).sort().map((file) => path.join(dir, file));
}

/** The Gateway API release whose CRDs the stack installs; keep equal to GATEWAY_API_VERSION in the install script. */
export const GATEWAY_API_VERSION = 'v1.4.0';

/** The install script that builds or installs every pinned server. */
export function installScript(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'stack', 'install', 'install-binaries.sh');
}
