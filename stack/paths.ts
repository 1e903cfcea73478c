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
function cacheDir(): string {
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

/** The Gateway API HTTPRoute CRD fetched by the install script (installed by tests, not by the product). */
export function gatewayApiCrd(): string {
  return path.join(cacheDir(), 'crds', 'gateway-api-v1.3.0', 'httproutes.yaml');
}

/** The install script that builds or installs every pinned server. */
export function installScript(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'stack', 'install', 'install-binaries.sh');
}
